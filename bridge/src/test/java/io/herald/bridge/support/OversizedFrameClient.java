package io.herald.bridge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket client on a plain TCP socket that sends a frame over the node's limit the way a
 * browser sends a large message: still writing it when the node refuses it at its header.
 */
public final class OversizedFrameClient {

  private static final int LENGTH = 200_000;
  private static final int PART = 4096;

  private OversizedFrameClient() {}

  /** The text frames the node sent, and the code of its close frame (-1 if it had none). */
  public record Received(List<String> texts, int closeCode) {}

  /**
   * Opens the WebSocket, sends the header of a 200 000-byte text frame and a first part of it, reads
   * up to the node's close frame, then finishes the frame in two writes well after the close came
   * (the second fails with "Broken pipe" once a reset came back from the first), answers the close
   * and ends its side: the node must end its own without a reset, having sent nothing more.
   */
  public static Received send(int port, String path) throws IOException, InterruptedException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
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
}
