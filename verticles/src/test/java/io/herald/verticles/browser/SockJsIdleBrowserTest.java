package io.herald.verticles.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.verticles.NodeDeployment;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A quiet page over SockJS outlives the node's idle timeout on the same connection. The node closes
 * a frame-protocol connection it hears nothing from for {@code --idle-timeout}, and SockJS's
 * heartbeats only go from the server: herald.js pings, as the stock Vert.x client does. Without the
 * pings the node closed the session (idle-timeout) and the page reconnected every timeout. The page
 * pings at herald.js's default interval (5 s); the node's timeout is cut to 8 s to see it in seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SockJsIdleBrowserTest {

  private static final long IDLE_TIMEOUT_MILLIS = 8000;

  private Browser browser;
  private Vertx vertx;
  private NodeDeployment node;

  @BeforeAll
  void start() {
    browser = Browser.start(1000, 760);
    vertx = Vertx.vertx();
    node = Pages.developmentNode(vertx, "--transports", "sockjs", "--idle-timeout", IDLE_TIMEOUT_MILLIS / 1000 + "s",
        "--heartbeat-interval", "1s");
  }

  @AfterAll
  void stop() {
    Pages.close(browser, vertx);
  }

  @Test
  void aQuietSockJsPageKeepsItsConnectionPastTheIdleTimeout() throws InterruptedException {
    browser.open(Pages.url(node, "/?sub=quiet&transports=sockjs"));
    assertEquals("sockjs", browser.awaitConnected().get("transport"));
    String connection = browser.script("return herald.connection.connection;");
    Thread.sleep(2 * IDLE_TIMEOUT_MILLIS + 2000);
    assertEquals(List.of("connecting", "connected"), browser.script("return heraldStates;"), "never dropped");
    assertEquals(connection, browser.script("return herald.connection.connection;"), "the same connection");
  }
}
