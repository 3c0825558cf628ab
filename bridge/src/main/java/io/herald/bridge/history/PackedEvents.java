package io.herald.bridge.history;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An address's retained events, oldest first, packed one after another into one byte array.
 *
 * <p>Why bytes and not a deque of event objects: history keeps every event for minutes, so each
 * appended event was a few young objects referenced from an old log. Every young collection then
 * copied them between survivor spaces until they were promoted, and scanned the logs that pointed at
 * them: with 10 000 addresses at 25 000 events a second, 16 of a young collection's 19 ms (bench W4,
 * GC log, history on against off). Bytes written into an array that is already old are neither.
 *
 * <p>A record is the event's timestamp (8 bytes), the lengths of its type and data (4 bytes each),
 * then the two texts. A text is stored one byte per char when every char is Latin-1 (JSON mostly
 * is), its length then positive; otherwise two bytes per char, its length then negated. Both are
 * exact, lone surrogates included, where UTF-8 would replace those.
 *
 * <p>Offsets handed out ({@link #first}, {@link #next}) are valid until the next change. Not
 * thread-safe: {@link AddressLog} is confined or locked by its store.
 */
final class PackedEvents {

  private static final int HEADER = 16;
  private static final int MIN_CAPACITY = 256;
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 16;
  private static final byte[] NONE = new byte[0];
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private byte[] bytes = NONE;
  private int start;
  private int end;
  private int count;

  int count() {
    return count;
  }

  /** Bytes held, free space included. */
  int capacity() {
    return bytes.length;
  }

  /** Bytes the retained records take. */
  int size() {
    return end - start;
  }

  void addLast(long ts, String type, String data) {
    int typeLength = storedLength(type);
    int dataLength = storedLength(data);
    long recordSize = (long) HEADER + byteCount(typeLength) + byteCount(dataLength);
    makeRoom(recordSize);
    LONG.set(bytes, end, ts);
    INT.set(bytes, end + 8, typeLength);
    INT.set(bytes, end + 12, dataLength);
    int at = write(type, typeLength, end + HEADER);
    write(data, dataLength, at);
    end += (int) recordSize;
    count++;
  }

  void removeFirst() {
    if (count == 0) {
      throw new IllegalStateException("no event to remove");
    }
    start = next(start);
    count--;
    if (count == 0) {
      // An address whose events all went gives its array back rather than holding it while idle.
      bytes = NONE;
      start = 0;
      end = 0;
    }
  }

  /** The oldest record's offset; meaningful only when {@link #count} is not 0. */
  int first() {
    return start;
  }

  /** The offset of the record after the one at {@code at}. */
  int next(int at) {
    return at + HEADER + byteCount((int) INT.get(bytes, at + 8)) + byteCount((int) INT.get(bytes, at + 12));
  }

  long ts(int at) {
    return (long) LONG.get(bytes, at);
  }

  String type(int at) {
    return read(at + HEADER, (int) INT.get(bytes, at + 8));
  }

  String data(int at) {
    int typeLength = (int) INT.get(bytes, at + 8);
    return read(at + HEADER + byteCount(typeLength), (int) INT.get(bytes, at + 12));
  }

  /**
   * Makes room for a record at the end, leaving the array about one and a half times what it then
   * keeps: compacted in place when the array has that much room, else moved to a new one, larger or
   * smaller (it shrinks once what is kept falls under a third of it). The free half-share means a
   * move or compaction comes at most once per half of the kept bytes appended, so each appended byte
   * costs about two copied ones; and an address holds at most one and a half times its events' bytes
   * (a deque of event objects held about twice).
   */
  private void makeRoom(long recordSize) {
    int live = end - start;
    long needed = live + recordSize;
    boolean fits = end + recordSize <= bytes.length;
    boolean roomy = bytes.length > MIN_CAPACITY && needed * 3 <= bytes.length;
    if (fits && !roomy) {
      return;
    }
    if (needed > MAX_CAPACITY) {
      throw new IllegalStateException("history of one address would exceed " + MAX_CAPACITY + " bytes");
    }
    long target = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, needed + needed / 2));
    if (!roomy && target <= bytes.length) {
      System.arraycopy(bytes, start, bytes, 0, live);
    } else {
      byte[] moved = new byte[(int) target];
      System.arraycopy(bytes, start, moved, 0, live);
      bytes = moved;
    }
    start = 0;
    end = live;
  }

  /** The length recorded for a text: its chars, negated when they need two bytes each. */
  private static int storedLength(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xFF) {
        return -text.length();
      }
    }
    return text.length();
  }

  private static int byteCount(int storedLength) {
    return storedLength >= 0 ? storedLength : -2 * storedLength;
  }

  private int write(String text, int storedLength, int at) {
    int n = text.length();
    if (storedLength >= 0) {
      for (int i = 0; i < n; i++) {
        bytes[at + i] = (byte) text.charAt(i);
      }
      return at + n;
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      bytes[at + 2 * i] = (byte) (c >>> 8);
      bytes[at + 2 * i + 1] = (byte) c;
    }
    return at + 2 * n;
  }

  private String read(int at, int storedLength) {
    if (storedLength >= 0) {
      return new String(bytes, at, storedLength, StandardCharsets.ISO_8859_1);
    }
    // By hand: a UTF-16 decoder would replace a lone surrogate, and the text must come back as it went in.
    char[] chars = new char[-storedLength];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((bytes[at + 2 * i] & 0xFF) << 8) | (bytes[at + 2 * i + 1] & 0xFF));
    }
    return new String(chars);
  }
}
