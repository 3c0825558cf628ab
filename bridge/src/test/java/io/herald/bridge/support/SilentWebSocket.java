package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain TCP socket that reads what the server sends and never answers,
 * not even a ping: Vert.x's own client answers pings by itself, so it cannot play a client gone
 * silent. It can send a frame of its own first (a subscription), and understands just enough of
 * RFC 6455 to read: the handshake and unmasked server frames.
 */
public final class SilentWebSocket {

  private final List<String> texts = new ArrayList<>();
  private final Promise<Integer> closeCode = Promise.promise();
  private Buffer pending = Buffer.buffer();
  private boolean upgraded;
  private final List<Long> pingTimes = new ArrayList<>();
  private NetSocket socket;

  private SilentWebSocket() {}

  /** Completes once the upgrade request is written; the answer and the frames are read as they come. */
  public static Future<SilentWebSocket> connect(Vertx vertx, int port, String path) {
    SilentWebSocket client = new SilentWebSocket();
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String upgrade = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    return vertx.createNetClient().connect(port, "127.0.0.1").compose(socket -> {
      client.socket = socket;
      socket.handler(data -> client.read(socket, data));
      socket.closeHandler(v -> client.closeCode.tryComplete(1006));
      return socket.write(upgrade).map(client);
    });
  }

  /** The close code the server sent (1006 if the connection ended without a close frame). */
  public Future<Integer> closeCode() {
    return closeCode.future();
  }

  public synchronized List<String> texts() {
    return new ArrayList<>(texts);
  }

  public synchronized int pings() {
    return pingTimes.size();
  }

  /** When each ping arrived, by {@code System.currentTimeMillis()}. */
  public synchronized List<Long> pingTimes() {
    return new ArrayList<>(pingTimes);
  }

  /** Sends one text frame, masked as a client must. */
  public Future<Void> sendText(String text) {
    return socket.write(MaskedFrames.text(text, ThreadLocalRandom.current()));
  }

  /**
   * Sends text frames in one TCP write: the server reads them together and handles them in one
   * event-loop turn, before anything it started for the first can complete.
   */
  public Future<Void> sendTexts(List<String> frames) {
    Buffer all = Buffer.buffer();
    frames.forEach(text -> all.appendBuffer(MaskedFrames.text(text, ThreadLocalRandom.current())));
    return socket.write(all);
  }

  private synchronized void read(NetSocket socket, Buffer data) {
    pending.appendBuffer(data);
    if (!upgraded) {
      String head = pending.toString(StandardCharsets.ISO_8859_1);
      int end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      if (!head.startsWith("HTTP/1.1 101")) {
        closeCode.tryFail("upgrade refused: " + head);
        socket.close();
        return;
      }
      upgraded = true;
      pending = pending.getBuffer(end + 4, pending.length());
    }
    while (frame(socket)) {
      // one complete frame consumed per round
    }
  }

  /** Consumes one complete frame from {@code pending}, if there is one. */
  private boolean frame(NetSocket socket) {
    if (pending.length() < 2) {
      return false;
    }
    int opcode = pending.getByte(0) & 0x0f;
    int length = pending.getByte(1) & 0x7f;
    int offset = 2;
    if (length == 126) {
      if (pending.length() < 4) {
        return false;
      }
      length = pending.getUnsignedShort(2);
      offset = 4;
    } else if (length == 127) {
      if (pending.length() < 10) {
        return false;
      }
      length = (int) pending.getLong(2);
      offset = 10;
    }
    if (pending.length() < offset + length) {
      return false;
    }
    Buffer payload = pending.getBuffer(offset, offset + length);
    pending = pending.getBuffer(offset + length, pending.length());
    switch (opcode) {
      case 0x1 -> texts.add(payload.toString(StandardCharsets.UTF_8));
      case 0x9 -> pingTimes.add(System.currentTimeMillis());
      case 0x8 -> {
        closeCode.tryComplete(payload.length() >= 2 ? (int) payload.getUnsignedShort(0) : 1005);
        socket.close();
      }
      default -> { }
    }
    return true;
  }
}
