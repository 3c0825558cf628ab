package io.herald.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.vertx.core.buffer.Buffer;

/**
 * Finds events in a subscriber's byte stream without decoding it: each benchmark payload holds
 * {@code "seq":<n>} followed by {@code "t":<nanos>}, in that order, whatever the framing around
 * it (an SSE {@code data:} line, a Herald envelope, a WebSocket {@code rec} frame or Nchan's raw
 * body). The scanner keeps its state between buffers, so an event split across TCP reads is found
 * once. A second pattern, the transport's "subscribed" marker, is looked for until first seen.
 */
final class EventScanner {

  static final byte[] SEQ = bytes("\"seq\":");
  static final byte[] TIME = bytes("\"t\":");

  /** Called for every event found. */
  interface Sink {
    void event(long seq, long sentNanos);

    void ready();
  }

  private final byte[] readyMarker;
  private boolean ready;
  private int readyIndex;
  // 0: looking for "seq":, 1: reading its digits, 2: looking for "t":, 3: reading its digits
  private int mode;
  private int index;
  private long number;
  private long seq;
  private Sink sink;
  // One processor for the scanner's life: a method reference per call would be an object per frame.
  private final ByteProcessor processor = this::process;

  /** @param readyMarker bytes that mean "subscribed", or {@code null} when the transport is ready at once */
  EventScanner(byte[] readyMarker) {
    this.readyMarker = readyMarker;
    this.ready = readyMarker == null;
  }

  boolean ready() {
    return ready;
  }

  void reset() {
    ready = readyMarker == null;
    readyIndex = 0;
    mode = 0;
    index = 0;
  }

  void scan(Buffer buffer, Sink sink) {
    int length = buffer.length();
    for (int i = 0; i < length; i++) {
      accept(buffer.getByte(i), sink);
    }
  }

  /** The same over a Netty buffer, read in place (a socket's bytes, before any copy). */
  void scan(ByteBuf bytes, Sink sink) {
    scan(bytes, bytes.readerIndex(), bytes.readableBytes(), sink);
  }

  /**
   * The same over {@code length} bytes of a buffer from {@code index}, without moving its indexes:
   * a WebSocket frame's payload, scanned where it lies, with no slice and no processor per frame.
   */
  void scan(ByteBuf bytes, int index, int length, Sink sink) {
    this.sink = sink;
    bytes.forEachByte(index, length, processor);
  }

  private boolean process(byte b) {
    accept(b, sink);
    return true;
  }

  private void accept(byte b, Sink sink) {
    if (!ready) {
      readyIndex = advance(readyMarker, readyIndex, b);
      if (readyIndex == readyMarker.length) {
        ready = true;
        sink.ready();
      }
    }
    switch (mode) {
      case 0 -> {
        index = advance(SEQ, index, b);
        if (index == SEQ.length) {
          mode = 1;
          number = 0;
        }
      }
      case 1 -> {
        if (b >= '0' && b <= '9') {
          number = number * 10 + (b - '0');
        } else {
          seq = number;
          mode = 2;
          index = advance(TIME, 0, b);
        }
      }
      case 2 -> {
        index = advance(TIME, index, b);
        if (index == TIME.length) {
          mode = 3;
          number = 0;
        }
      }
      default -> {
        if (b >= '0' && b <= '9') {
          number = number * 10 + (b - '0');
        } else {
          sink.event(seq, number);
          mode = 0;
          index = advance(SEQ, 0, b);
        }
      }
    }
  }

  private static int advance(byte[] pattern, int index, byte b) {
    if (pattern[index] == b) {
      return index + 1;
    }
    return pattern[0] == b ? 1 : 0;
  }

  static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
