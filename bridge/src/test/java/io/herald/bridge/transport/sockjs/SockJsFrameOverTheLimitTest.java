package io.herald.bridge.transport.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  private static final int LENGTH = 200_000;
  private static final int PART = 4096;

  private BridgeServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = Http.await(BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(1024), new AllowListRules(List.of("public.*"))));
  }

  @Test
  void rawWebSocketGetsTheFarewellAndCloseWithoutAReset() throws IOException, InterruptedException {
    Received received = sendAFrameOverTheLimit(SockJsTransport.PATH + "/websocket");
    assertTrue(received.texts().stream().anyMatch(t -> t.contains("\"too-large\"")), received::toString);
    assertEquals(1009, received.closeCode(), received::toString);
    assertReleased();
  }

  @Test
  void sessionWebSocketGetsTheFarewellAndCloseWithoutAReset() throws IOException, InterruptedException {
    Received received = sendAFrameOverTheLimit(SockJsTransport.PATH + "/000/abcd1234/websocket");
    List<String> texts = received.texts();
    assertEquals("o", texts.get(0), received::toString);
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("a[") && t.contains("\\\"too-large\\\"")), received::toString);
    // vertx-web's session transports close with a code of their own; the err frame says why.
    assertTrue(texts.get(texts.size() - 1).startsWith("c["), received::toString);
    assertReleased();
  }

  private record Received(List<String> texts, int closeCode) {}

  /**
   * Opens the WebSocket, sends the header of a 200 000-byte text frame and a first part of it, reads
   * up to the node's close frame, then finishes the frame in two writes well after the close came
   * (the second fails with "Broken pipe" once a reset came back from the first), answers the close
   * and ends its side: the node must end its own without a reset, having sent nothing more.
   */
  private Received sendAFrameOverTheLimit(String path) throws IOException, InterruptedException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String head = "";
      while (!head.endsWith("\r\n\r\n")) {
        head += (char) in.readUnsignedByte();
      }
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      byte[] frameHead = {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0,
          (byte) (LENGTH >> 16), (byte) (LENGTH >> 8), (byte) LENGTH, 0, 0, 0, 0};
      out.write(frameHead);
      out.write(new byte[PART]);
      List<String> texts = new ArrayList<>();
      int closeCode = -1;
      int opcode;
      do {
        opcode = in.readUnsignedByte() & 0x0f;
        long size = in.readUnsignedByte() & 0x7f;
        size = size == 126 ? in.readUnsignedShort() : size == 127 ? in.readLong() : size;
        byte[] payload = in.readNBytes((int) size);
        if (opcode == 0x1) {
          texts.add(new String(payload, StandardCharsets.UTF_8));
        }
        if (opcode == 0x8 && payload.length >= 2) {
          closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
      } while (opcode != 0x8);
      Thread.sleep(300);
      out.write(new byte[PART]);
      Thread.sleep(300);
      // The rest of the frame, then the close frame that answers the node's (masked, with no status).
      out.write(new byte[LENGTH - 2 * PART]);
      out.write(new byte[] {(byte) 0x88, (byte) 0x80, 0, 0, 0, 0});
      socket.shutdownOutput();
      assertEquals(-1, in.read(), "the node sent more after its close frame");
      return new Received(texts, closeCode);
    }
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
