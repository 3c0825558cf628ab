package io.herald.bench;

import io.netty.buffer.ByteBuf;
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
   * The same over {@code length} bytes of a buffer from {@code from}, without moving its indexes:
   * a WebSocket frame's payload, scanned where it lies, with no slice and no processor per frame.
   *
   * <p>Between events it skips to the next {@code q}, eight bytes at a time, rather than looking at
   * every byte: {@code "seq":} is the only key with a {@code q} in any stream the
   * benchmark reads, and byte-by-byte matching was three quarters of the generator's CPU at W1's
   * peak (a JFR profile of the generator, 2026-11-23). Only the few bytes from {@code q} to the end
   * of {@code "t":<nanos>} go through the state machine.
   */
  void scan(ByteBuf bytes, int from, int length, Sink sink) {
    int end = from + length;
    int at = from;
    while (at < end) {
      if (ready && mode == 0 && index == 0) {
        int q = indexOfQ(bytes, at, end);
        if (q < 0) {
          return;
        }
        // The bytes before the q are "se when they are in this buffer; split off, they are taken on trust.
        if (q - at >= 3 && !(bytes.getByte(q - 3) == '"' && bytes.getByte(q - 2) == 's' && bytes.getByte(q - 1) == 'e')) {
          at = q + 1;
          continue;
        }
        int next = whole(bytes, q + 1, end, sink);
        if (next > 0) {
          at = next;
          continue;
        }
        index = SEQ.length - 2;
        at = q + 1;
        continue;
      }
      accept(bytes.getByte(at++), sink);
    }
  }

  /**
   * The event that follows a {@code q} when it is whole in this buffer and in the exact form every
   * payload has ({@code ":<digits>,"t":<digits>} and one byte after): read straight through, to the
   * index after that byte, with the state the byte-wise path would leave. Anything else returns -1
   * and goes the byte-wise way from the {@code q}, so what is found is the same either way. The
   * byte-wise state machine was most of the scan's cost per event (async-profiler, 2026-11-23).
   */
  private int whole(ByteBuf bytes, int at, int end, Sink sink) {
    if (end - at < 2 || bytes.getByte(at) != '"' || bytes.getByte(at + 1) != ':') {
      return -1;
    }
    int i = at + 2;
    long seqNumber = 0;
    int digits = i;
    byte b;
    while (i < end && (b = bytes.getByte(i)) >= '0' && b <= '9') {
      seqNumber = seqNumber * 10 + (b - '0');
      i++;
    }
    if (i == digits || end - i < TIME_AFTER_COMMA.length) {
      return -1;
    }
    for (int k = 0; k < TIME_AFTER_COMMA.length; k++) {
      if (bytes.getByte(i + k) != TIME_AFTER_COMMA[k]) {
        return -1;
      }
    }
    i += TIME_AFTER_COMMA.length;
    long time = 0;
    digits = i;
    while (i < end && (b = bytes.getByte(i)) >= '0' && b <= '9') {
      time = time * 10 + (b - '0');
      i++;
    }
    if (i == digits || i == end) {
      return -1;
    }
    seq = seqNumber;
    sink.event(seqNumber, time);
    // As the byte-wise path leaves it after the byte that ends the time.
    mode = 0;
    index = advance(SEQ, 0, bytes.getByte(i));
    return i + 1;
  }

  private static final byte[] TIME_AFTER_COMMA = bytes(",\"t\":");

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QS = ONES * 'q';

  /**
   * The first {@code q} in {@code [from, end)}, or -1: a word at a time (a byte equal to {@code q}
   * is a zero byte of {@code word ^ QS}, and the lowest byte the test flags is always a true zero).
   * Netty's own search goes a byte at a time over a direct buffer.
   */
  static int indexOfQ(ByteBuf bytes, int from, int end) {
    int i = from;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      long word = bytes.getLongLE(i) ^ QS;
      long zeros = (word - ONES) & ~word & HIGHS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < end; i++) {
      if (bytes.getByte(i) == 'q') {
        return i;
      }
    }
    return -1;
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
