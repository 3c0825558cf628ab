package io.herald.verticles.browser;

import static io.herald.verticles.browser.Pages.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.verticles.NodeDeployment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo page at {@code /} in a real browser, on a standalone node in development mode with its
 * ticker on, as {@code java -jar herald.jar} runs on a developer's machine: it connects over each
 * transport and gets what is sent to its user, its group, {@code public.ticker} and everyone; it
 * publishes; its token is refreshed on the live connection. Writes {@code docs/demo.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DemoPageBrowserTest {

  private static final List<String> TRANSPORTS = List.of("websocket", "sse", "sockjs");

  private Browser browser;
  private Vertx vertx;
  private HttpClient http;
  private NodeDeployment node;
  private String publisher;

  @BeforeAll
  void start() {
    browser = Browser.start(1000, 760);
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    node = Pages.developmentNode(vertx, "--ticker", "true");
    publisher = Pages.devToken(http, node.httpPort(), "sub=svc&roles=publisher");
  }

  @AfterAll
  void stop() {
    Pages.close(browser, vertx);
  }

  @BeforeEach
  void oneWindow() {
    browser.reset();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sse", "sockjs"})
  void theDemoPageConnectsAndReceivesOverEachTransport(String transport) {
    String sub = "demo-" + transport;
    browser.open(Pages.url(node, "/?transports=" + transport + "&sub=" + sub));
    Map<String, Object> connection = browser.awaitConnected();
    assertEquals(transport, connection.get("transport"));
    assertEquals(sub, connection.get("user"));

    browser.await("tick of the node's ticker", "heraldEvents.some(e => e.address === 'public.ticker' && e.data && e.data.n > 0)");

    String marker = transport + "-" + System.nanoTime();
    publish(http, node.httpPort(), publisher, event(marker).put("user", sub));
    publish(http, node.httpPort(), publisher, event(marker).put("group", "demo"));
    publish(http, node.httpPort(), publisher, event(marker).put("address", "public.ticker"));
    publish(http, node.httpPort(), publisher, event(marker).put("everyone", true));
    List<String> expected = List.of("everyone", "group.demo", "public.ticker", "user." + sub);
    browser.await("event sent by the test to each target", "arguments[1].every(a => heraldEvents.some(e => e.address === a"
        + " && e.type === 'note' && e.data.marker === arguments[0]))", marker, expected);

    // The page publishes on its own connection (the HTTP API over SSE) and receives its event.
    Map<String, Object> published = browser.asyncScript("herald.publish('group.demo', {marker: arguments[0]}, 'note')"
        + ".then(id => done({id}), e => done({error: String(e.code || e.message || e)}));", marker + "-page");
    assertNull(published.get("error"), () -> "the page's publish failed: " + published);
    browser.await("page's own event", "heraldEvents.some(e => e.id === arguments[0] && e.address === 'group.demo'"
        + " && e.data.marker === arguments[1])", published.get("id"), marker + "-page");

    // A second client of the page publishes as soon as connect() resolves: connected means usable.
    Map<String, Object> second = browser.asyncScript("(async () => {"
        + " const client = new herald.constructor(location.origin, {token: herald.options.token, transports: [arguments[0]]});"
        + " await client.subscribe('group.demo', () => {});"
        + " await client.connect();"
        + " try { return {id: await client.publish('group.demo', {marker: arguments[1]}, 'note')}; } finally { client.close(); }"
        + " })().then(done, e => done({error: String(e.code || e.message || e)}));", transport, marker + "-second");
    assertNull(second.get("error"), () -> "publishing right after connect() failed: " + second);
    browser.await("second client's event", "heraldEvents.some(e => e.id === arguments[0] && e.data.marker === arguments[1])",
        second.get("id"), marker + "-second");

    List<String> received = browser.script("return heraldEvents.filter(e => e.data && e.data.marker === arguments[0])"
        + ".map(e => e.address).sort();", marker);
    assertEquals(expected, received, "each event once");
    assertEquals(List.of("connecting", "connected"), browser.script("return heraldStates;"), "connected at the first try");
  }

  /**
   * Tokens of five seconds, refreshed two seconds before they expire: twelve seconds later each page
   * is still connected and has had every event sent meanwhile, once. Over WebSocket and SockJS the
   * fresh token goes in an {@code auth} frame on the same connection, whose id does not change. SSE
   * cannot change the token of a stream, so herald.js opens a new stream with it from the cursor and
   * then drops the old one: the connection id changes, but the page never sees a disconnection and
   * loses nothing. Development mode checks expiry without leeway, so without the refresh each
   * connection would be closed with {@code token-expired} after about five seconds.
   */
  @Test
  void aTokenRefreshKeepsTheConnectionPastTheFirstTokensExpiry() {
    Map<String, String> windows = new LinkedHashMap<>();
    Map<String, Object> connections = new LinkedHashMap<>();
    long firstExpiry = 0;
    for (String transport : TRANSPORTS) {
      windows.put(transport, browser.openWindow(Pages.url(node, "/?transports=" + transport + "&sub=refresh-" + transport
          + "&ttl=5&refresh=2000")));
      connections.put(transport, browser.awaitConnected().get("connection"));
      firstExpiry = Math.max(firstExpiry, tokenExpiry());
    }
    long until = System.currentTimeMillis() + 12_000;
    int sent = 0;
    for (; System.currentTimeMillis() < until; sent++) {
      for (String transport : TRANSPORTS) {
        publish(http, node.httpPort(), publisher, new JsonObject().put("user", "refresh-" + transport).put("type", "tick")
            .put("data", new JsonObject().put("n", sent)));
      }
      Browser.sleep(1_000);
    }
    assertTrue(System.currentTimeMillis() > firstExpiry + 5_000, "the test outlived the first tokens by 5 s");
    List<Long> all = IntStream.range(0, sent).mapToObj(n -> (long) n).toList();
    for (String transport : TRANSPORTS) {
      browser.window(windows.get(transport));
      String address = "user.refresh-" + transport;
      browser.await("every tick on " + transport, "heraldEvents.filter(e => e.address === arguments[0]).length >= arguments[1]",
          address, sent);
      assertEquals(all, browser.script("return heraldEvents.filter(e => e.address === arguments[0]).map(e => e.data.n);", address),
          transport + ": every event once, in order");
      assertEquals("connected", browser.script("return herald.state;"), transport);
      List<String> states = browser.script("return heraldStates;");
      assertFalse(states.contains("reconnecting"), transport + " never disconnected: " + states);
      assertTrue(tokenExpiry() > firstExpiry, transport + ": the page holds a later token");
      if (!transport.equals("sse")) {
        assertEquals(connections.get(transport), browser.script("return herald.connection.connection;"),
            transport + ": the same connection, refreshed in place");
      }
    }
  }

  /** The page as a person uses it: an invoice for alice, a note typed into the form, the ticker running. */
  @Test
  void theDemoPageShowsWhatArrivesAndPublishesFromItsForm() {
    browser.open(Pages.url(node, "/?sub=alice"));
    assertEquals("websocket", browser.awaitConnected().get("transport"), "the first of the default order");
    publish(http, node.httpPort(), publisher, new JsonObject().put("user", "alice").put("type", "invoice")
        .put("data", new JsonObject().put("invoice", "INV-1042").put("amount", 42.5).put("currency", "EUR")));
    browser.await("invoice", "heraldEvents.some(e => e.type === 'invoice')");

    browser.script("document.querySelector('select[name=to]').value = 'group';");
    browser.element("input[name=text]").sendKeys("deploy of v0.1 finished");
    browser.element("form#send button").click();
    browser.await("note sent from the form", "heraldEvents.some(e => e.address === 'group.demo' && e.type === 'note'"
        + " && e.data.text === 'deploy of v0.1 finished' && e.data.from === 'alice')");
    assertEquals("", browser.script("return document.querySelector('input[name=text]').value;"), "the form was cleared");

    browser.await("a few ticks", "heraldEvents.filter(e => e.address === 'public.ticker').length >= 3");
    Object status = browser.script("return document.getElementById('status').textContent;");
    assertNotNull(status);
    assertTrue(status.toString().startsWith("connected as "), status.toString());
    browser.screenshot(Pages.DOCS.resolve("demo.png"));
  }

  private static JsonObject event(String marker) {
    return new JsonObject().put("type", "note").put("data", new JsonObject().put("marker", marker));
  }

  /** The expiry of the page's current token, epoch ms. */
  private long tokenExpiry() {
    Number exp = browser.script("return JSON.parse(atob(herald.currentToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp;");
    return exp.longValue() * 1000;
  }
}
