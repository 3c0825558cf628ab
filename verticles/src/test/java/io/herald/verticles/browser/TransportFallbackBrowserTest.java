package io.herald.verticles.browser;

import static io.herald.verticles.browser.Pages.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.herald.verticles.NodeDeployment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The demo page with its default order (WebSocket, SSE, SockJS) against nodes that refuse some
 * transports, as a proxy that breaks them would: {@code --transports sse,sockjs} refuses every
 * WebSocket upgrade, and {@code --transports sockjs} removes {@code /sse} too. The page must end on
 * the next transport that works, within its first round, and receive and publish there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class TransportFallbackBrowserTest {

  private Browser browser;
  private Vertx vertx;
  private HttpClient http;
  private NodeDeployment withoutWebSocket;
  private NodeDeployment sockJsOnly;

  @BeforeAll
  void start() {
    browser = Browser.start(1000, 760);
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    withoutWebSocket = Pages.developmentNode(vertx, "--transports", "sse,sockjs");
    sockJsOnly = Pages.developmentNode(vertx, "--transports", "sockjs");
  }

  @AfterAll
  void stop() {
    Pages.close(browser, vertx);
  }

  @Test
  void withWebSocketRefusedThePageFallsBackToSse() {
    browser.open(Pages.url(withoutWebSocket, "/?sub=no-ws"));
    assertEquals("sse", browser.awaitConnected().get("transport"));
    assertEquals(List.of("websocket"), failedTransports(), "websocket was tried first and refused");
    receivesAndPublishes(withoutWebSocket, "no-ws");
  }

  /**
   * SockJS is offered no WebSocket either ({@code /eventbus/info} says {@code websocket: false}), so
   * sockjs-client picks its first HTTP transport, xhr-streaming: read from the SockJS object itself.
   */
  @Test
  void withWebSocketAndSseRefusedThePageFallsBackToSockJsOverHttp() {
    browser.open(Pages.url(sockJsOnly, "/?sub=no-ws-no-sse"));
    assertEquals("sockjs", browser.awaitConnected().get("transport"));
    assertEquals(List.of("websocket", "sse"), failedTransports(), "websocket, then sse, were tried and refused");
    assertEquals("xhr-streaming", browser.script("return herald.link.socket.transport;"), "SockJS's own transport");
    receivesAndPublishes(sockJsOnly, "no-ws-no-sse");
  }

  /** Where streaming is buffered away too, SockJS polls: the page allows only xhr-polling here. */
  @Test
  void overSockJsPollingThePageReceivesAndPublishes() {
    browser.open(Pages.url(sockJsOnly, "/?sub=polling&transports=sockjs&sockjs=xhr-polling"));
    assertEquals("sockjs", browser.awaitConnected().get("transport"));
    assertEquals("xhr-polling", browser.script("return herald.link.socket.transport;"), "SockJS's own transport");
    receivesAndPublishes(sockJsOnly, "polling");
  }

  /** The transports the page's first round failed on, in order (herald.js reports each as an error). */
  private List<String> failedTransports() {
    return browser.script("return heraldErrors.filter(e => e.transport).map(e => e.transport);");
  }

  private void receivesAndPublishes(NodeDeployment node, String sub) {
    String publisher = Pages.devToken(http, node.httpPort(), "sub=svc&roles=publisher");
    String marker = sub + "-" + System.nanoTime();
    publish(http, node.httpPort(), publisher, new JsonObject().put("user", sub).put("type", "note")
        .put("data", new JsonObject().put("marker", marker)));
    publish(http, node.httpPort(), publisher, new JsonObject().put("group", "demo").put("type", "note")
        .put("data", new JsonObject().put("marker", marker)));
    browser.await("user and group events", "['user.' + arguments[1], 'group.demo'].every(a => heraldEvents.some(e =>"
        + " e.address === a && e.data.marker === arguments[0]))", marker, sub);
    Map<String, Object> published = browser.asyncScript("herald.publish('group.demo', {marker: arguments[0]}, 'note')"
        + ".then(id => done({id}), e => done({error: String(e.code || e.message || e)}));", marker + "-page");
    assertNull(published.get("error"), () -> "the page's publish failed: " + published);
    browser.await("page's own event", "heraldEvents.some(e => e.id === arguments[0])", published.get("id"));
    assertEquals(List.of("connecting", "connected"), browser.script("return heraldStates;"), "connected in the first round");
  }
}
