package io.herald.bridge.support;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** WebSocket frames as a client must send them (RFC 6455, 5.3), for tests that write raw bytes. */
public final class MaskedFrames {

  private MaskedFrames() {}

  /** One final text frame, masked with bytes from {@code random} (a seeded one keeps a fuzz run repeatable). */
  public static Buffer text(String text, Random random) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else if (payload.length < 65536) {
      frame.appendByte((byte) (0x80 | 126)).appendShort((short) payload.length);
    } else {
      frame.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    frame.appendBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.appendByte((byte) (payload[i] ^ mask[i % 4]));
    }
    return frame;
  }
}
