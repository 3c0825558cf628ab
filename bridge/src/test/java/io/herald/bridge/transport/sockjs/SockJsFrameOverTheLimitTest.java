package io.herald.bridge.transport.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.OversizedFrameClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A frame over the limit on SockJS's two WebSocket transports, sent by a client that is still
 * writing it when the node refuses it at its header (a browser sending a 200 KB message). The node
 * closed the TCP connection at once: the rest of the frame met a closed socket, answered with a
 * reset, and the client lost what it had not read yet. On {@code .../websocket} it had read nothing
 * at all, since vertx-web shut the session before the bridge could write its farewell. The client
 * must get the farewell, the close, and a clean end of the connection, and the node must let go of
 * the connection once the client ends its side.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SockJsFrameOverTheLimitTest {

  private BridgeServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = Http.await(BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(1024), new AllowListRules(List.of("public.*"))));
  }

  @Test
  void rawWebSocketGetsTheFarewellAndCloseWithoutAReset() throws IOException, InterruptedException {
    OversizedFrameClient.Received received = sendAFrameOverTheLimit(SockJsTransport.PATH + "/websocket");
    assertTrue(received.texts().stream().anyMatch(t -> t.contains("\"too-large\"")), received::toString);
    assertEquals(1009, received.closeCode(), received::toString);
    assertReleased();
  }

  @Test
  void sessionWebSocketGetsTheFarewellAndCloseWithoutAReset() throws IOException, InterruptedException {
    OversizedFrameClient.Received received = sendAFrameOverTheLimit(SockJsTransport.PATH + "/000/abcd1234/websocket");
    List<String> texts = received.texts();
    assertEquals("o", texts.get(0), received::toString);
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("a[") && t.contains("\\\"too-large\\\"")), received::toString);
    // vertx-web's session transports close with a code of their own; the err frame says why.
    assertTrue(texts.get(texts.size() - 1).startsWith("c["), received::toString);
    assertReleased();
  }

  private OversizedFrameClient.Received sendAFrameOverTheLimit(String path) throws IOException, InterruptedException {
    return OversizedFrameClient.send(server.port(), path);
  }

  /** Herald's connection is gone, and the node closed the TCP connection the client ended. */
  private void assertReleased() throws InterruptedException {
    BridgeStats stats = Http.statsUntil(server, s -> s.connections() == 0);
    assertEquals(0, stats.connections(), stats::toString);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    int open = Http.await(server.openConnections());
    while (open != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      open = Http.await(server.openConnections());
    }
    assertEquals(0, open, "TCP connections the node still holds");
  }
}
