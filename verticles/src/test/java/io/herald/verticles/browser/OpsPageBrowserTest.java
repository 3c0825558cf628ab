package io.herald.verticles.browser;

import static io.herald.verticles.browser.Pages.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.verticles.NodeDeployment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The ops page holds an admin token and renders the reports of {@code ops.nodes}, an address that
 * any identity with the {@code publisher} role may publish to under the default rules: what a report
 * says is data, shown as text, never markup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OpsPageBrowserTest {

  private Browser browser;
  private Vertx vertx;
  private HttpClient http;
  private NodeDeployment node;

  @BeforeAll
  void start() {
    browser = Browser.start(1000, 760);
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    node = Pages.developmentNode(vertx);
  }

  @AfterAll
  void stop() {
    Pages.close(browser, vertx);
  }

  @Test
  void aForgedReportIsShownAsTextNotRunAsMarkup() {
    browser.open(Pages.url(node, "/ops"));
    browser.awaitConnected();
    // Records, as the page changes, whether markup from a report became elements, and whether the forged text was shown.
    browser.script("window.forged = {seen: false, shown: false, markup: false};"
        + "new MutationObserver(() => {"
        + "  const table = document.getElementById('nodes');"
        + "  if (table.querySelector('img') || document.getElementById('legend').querySelector('img')) forged.markup = true;"
        + "  if ([...table.querySelectorAll('td')].some(td => td.textContent === arguments[0])) forged.shown = true;"
        + "}).observe(document.body, {childList: true, subtree: true, characterData: true});"
        + "herald.on('event', e => { if (e.data && e.data.node === arguments[1]) forged.seen = true; });",
        payload(), "forged-node");

    String publisher = Pages.devToken(http, node.httpPort(), "sub=svc&roles=publisher");
    publish(http, node.httpPort(), publisher, new JsonObject().put("address", "ops.nodes").put("data", new JsonObject()
        .put("node", "forged-node").put("http", payload()).put("phase", "SERVING").put("connections", 0)
        .put("delivered", 0).put("ts", System.currentTimeMillis())
        .put("members", new JsonArray().add("forged-node").add(node.nodeId()))));

    browser.await("forged report delivered and rendered", "forged.seen && (forged.shown || forged.markup)");
    Map<String, Object> outcome = browser.script("return forged;");
    assertEquals(false, outcome.get("markup"), "the report's text became elements of the page: " + outcome);
    assertEquals(true, outcome.get("shown"), "the report's text is in the table: " + outcome);
  }

  private static String payload() {
    return "<img src=x onerror=\"window.pwned = true\">";
  }
}
