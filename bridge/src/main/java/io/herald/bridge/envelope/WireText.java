package io.herald.bridge.envelope;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns an event's wire text into the bytes written to every subscriber, with as few copies as the
 * JDK allows: the text is built in a builder the event loop reuses, and its bytes are taken once.
 *
 * <p>Why: each event used to pass through a builder of its envelope (grown twice), that text, a
 * builder of the SSE event, its text, its bytes and the chunk: eight arrays the size of the event,
 * now three (the text, its bytes, the buffer written). At W4's rates they were a fifth of what the
 * node allocated (JFR allocation samples), and every young collection they bring on is a pause
 * that every connection's next event waits out.
 *
 * <p>The bytes are copied into a buffer of Vert.x's own rather than wrapped: a foreign buffer would
 * be wrapped again, per subscriber, each time it is written.
 *
 * <p>A builder is used by one call at a time: {@link #builder()} is called, filled and handed to one
 * of the methods here before anything else on the thread takes it again.
 */
final class WireText {

  /** A builder that grew past this (a huge event) is not kept for the next one. */
  private static final int KEEP_CAPACITY = 16 * 1024;
  private static final FastThreadLocal<StringBuilder> BUILDERS = new FastThreadLocal<>() {
    @Override
    protected StringBuilder initialValue() {
      return new StringBuilder(512);
    }
  };

  private WireText() {}

  /** This thread's builder, empty. */
  static StringBuilder builder() {
    StringBuilder builder = BUILDERS.get();
    if (builder.capacity() > KEEP_CAPACITY) {
      builder = new StringBuilder(512);
      BUILDERS.set(builder);
    }
    builder.setLength(0);
    return builder;
  }

  /** The text's UTF-8 bytes, in a buffer of exactly their size. */
  static Buffer bytes(StringBuilder text) {
    return Buffer.buffer(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The text as one HTTP/1.1 chunk. When the text is ASCII, as an event's JSON nearly always is,
   * its size line is put in front of it in the builder, so the chunk's bytes are taken in one go.
   */
  static Buffer chunk(StringBuilder text) {
    int length = text.length();
    if (length == 0) {
      return Buffer.buffer();
    }
    String size = Integer.toHexString(length);
    text.insert(0, "\r\n").insert(0, size).append("\r\n");
    String chunk = text.toString();
    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == chunk.length()) {
      return Buffer.buffer(bytes);
    }
    // Some character took more than one byte: the size line counted characters, not bytes.
    return HttpChunks.of(chunk.substring(size.length() + 2, chunk.length() - 2));
  }

  /** The text's UTF-8 bytes after a WebSocket text frame's header: the frame, ready for the socket. */
  static Buffer webSocketFrame(StringBuilder text) {
    byte[] payload = text.toString().getBytes(StandardCharsets.UTF_8);
    return WebSocketFraming.text(payload);
  }
}
