package io.herald.bridge.history;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An address's retained events, oldest first, packed one after another into one buffer.
 *
 * <p>Why bytes and not a deque of event objects: history keeps every event for minutes, so each
 * appended event was a few young objects referenced from an old log. Every young collection then
 * copied them between survivor spaces until they were promoted, and scanned the logs that pointed at
 * them: with 10 000 addresses at 25 000 events a second, 16 of a young collection's 19 ms (bench W4,
 * GC log, history on against off).
 *
 * <p>Why outside the heap ({@link #offHeap}, the local store's form): a buffer that grows is a new
 * one. On the heap each was born young and copied out by the next young collection, and with
 * addresses written in turn they all grow within the same second: 40-50 MB promoted in one 75-105
 * ms young pause, then a 300 ms full collection for the old arrays left behind (bench W4, GC log).
 * Pooled direct memory is neither copied nor scanned by any collection. Hazelcast's logs stay on
 * the heap ({@link #onHeap}): the map copies and drops them (backups, migrations, eviction) where
 * nobody would release them.
 *
 * <p>A record is the event's timestamp (8 bytes), the lengths of its type and data (4 bytes each),
 * then the two texts. A text is stored one byte per char when every char is Latin-1 (JSON mostly
 * is), its length then positive; otherwise two bytes per char, its length then negated. Both are
 * exact, lone surrogates included, where UTF-8 would replace those.
 *
 * <p>Every {@value #STRIDE}th record's offset is noted (a few bytes on the heap per that many
 * events), so that a read finds the record it starts at ({@link #at}) by walking fewer than
 * {@value #STRIDE} records rather than from the oldest.
 *
 * <p>Offsets handed out ({@link #first}, {@link #next}, {@link #at}) are valid until the next change. Not
 * thread-safe: {@link AddressLog} is confined or locked by its store.
 */
final class PackedEvents {

  private static final int HEADER = 16;
  private static final int MIN_CAPACITY = 256;
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 16;
  static final int STRIDE = 32;
  private static final long[] NO_MARKS = {};

  // Without leak detection: these buffers are left to the collector by design, and the default
  // allocator would report a sample of them as leaks.
  private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);

  private final ByteBufAllocator allocator;
  private final boolean direct;
  // Null while no event is kept: an idle address holds no buffer.
  private ByteBuf bytes;
  private int start;
  private int end;
  private int count;
  // Records added since the buffer was last empty: a record's ordinal is the number added before it.
  private long added;
  // Marks are offsets as if the buffer had never been compacted: a record's offset plus shift, which
  // grows by what each compaction or move cut from the front, so that marks survive one unchanged.
  private long shift;
  // The marks of the records kept whose ordinal is a multiple of STRIDE, oldest first, in a ring.
  private long[] marks = NO_MARKS;
  private int marksHead;
  private int marksSize;

  /** Direct buffers from {@code allocator}, or heap ones. */
  PackedEvents(ByteBufAllocator allocator, boolean direct) {
    this.allocator = allocator;
    this.direct = direct;
  }

  /** Kept in pooled direct memory, which {@link #release} (or the last removal) gives back. */
  static PackedEvents offHeap() {
    return new PackedEvents(PooledByteBufAllocator.DEFAULT, true);
  }

  /** Kept in heap arrays, for logs whose end nobody sees (Hazelcast's). */
  static PackedEvents onHeap() {
    return new PackedEvents(HEAP, false);
  }

  int count() {
    return count;
  }

  /** Bytes held, free space included. */
  int capacity() {
    return bytes == null ? 0 : bytes.capacity();
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
    bytes.setLong(end, ts);
    bytes.setInt(end + 8, typeLength);
    bytes.setInt(end + 12, dataLength);
    int at = write(type, typeLength, end + HEADER);
    write(data, dataLength, at);
    if (added % STRIDE == 0) {
      mark(end + shift);
    }
    end += (int) recordSize;
    count++;
    added++;
  }

  private void mark(long offset) {
    if (marksSize == marks.length) {
      long[] more = new long[Math.max(4, marks.length * 2)];
      for (int i = 0; i < marksSize; i++) {
        more[i] = marks[(marksHead + i) % marks.length];
      }
      marks = more;
      marksHead = 0;
    }
    marks[(marksHead + marksSize) % marks.length] = offset;
    marksSize++;
  }

  /**
   * The offset of the record {@code skip} places after the oldest ({@code 0 <= skip < count}):
   * from the nearest mark at or before it, so fewer than {@value #STRIDE} records are walked.
   */
  int at(int skip) {
    long oldest = added - count;
    long target = oldest + skip;
    long markOrdinal = target - target % STRIDE;
    if (markOrdinal < oldest) {
      return walk(start, skip);
    }
    long firstMarked = (oldest + STRIDE - 1) / STRIDE * STRIDE;
    int index = (int) ((markOrdinal - firstMarked) / STRIDE);
    int marked = (int) (marks[(marksHead + index) % marks.length] - shift);
    return walk(marked, (int) (target - markOrdinal));
  }

  private int walk(int from, int steps) {
    int at = from;
    for (int i = 0; i < steps; i++) {
      at = next(at);
    }
    return at;
  }

  void removeFirst() {
    if (count == 0) {
      throw new IllegalStateException("no event to remove");
    }
    if ((added - count) % STRIDE == 0) {
      marksHead = (marksHead + 1) % marks.length;
      marksSize--;
    }
    start = next(start);
    count--;
    if (count == 0) {
      // An address whose events all went gives its buffer back rather than holding it while idle.
      release();
    }
  }

  /** Drops every event and gives the buffer back; the log may be used again after. */
  void release() {
    if (bytes != null) {
      bytes.release();
      bytes = null;
    }
    start = 0;
    end = 0;
    count = 0;
    added = 0;
    shift = 0;
    marksHead = 0;
    marksSize = 0;
  }

  /** The oldest record's offset; meaningful only when {@link #count} is not 0. */
  int first() {
    return start;
  }

  /** The offset of the record after the one at {@code at}. */
  int next(int at) {
    return at + HEADER + byteCount(bytes.getInt(at + 8)) + byteCount(bytes.getInt(at + 12));
  }

  long ts(int at) {
    return bytes.getLong(at);
  }

  String type(int at) {
    return read(at + HEADER, bytes.getInt(at + 8));
  }

  String data(int at) {
    int typeLength = bytes.getInt(at + 8);
    return read(at + HEADER + byteCount(typeLength), bytes.getInt(at + 12));
  }

  /**
   * Makes room for a record at the end, leaving the buffer 1.25 to 1.75 times what it then keeps
   * (one and a half on average): compacted in place when the buffer has that much room, else moved
   * to a new one, larger or smaller (it shrinks once what is kept falls under a third of it). The
   * free share means a move or compaction comes at most once per quarter of the kept bytes
   * appended, about two copied bytes per appended one on average; and an address holds at most
   * 1.75 times its events' bytes (a deque of event objects held about twice).
   *
   * <p>Why the share is drawn for each move: addresses written in turn (a notice to every user)
   * would otherwise all outgrow their buffers within the same second, and on one core the burst of
   * moves stalled the event loop for 200-400 ms (bench W4: JIT log showing the pool's allocation
   * paths at each stall, no collection). Drawn, their next moves spread over many seconds.
   */
  private void makeRoom(long recordSize) {
    int live = end - start;
    long needed = live + recordSize;
    int capacity = capacity();
    boolean fits = end + recordSize <= capacity;
    boolean roomy = capacity > MIN_CAPACITY && needed * 3 <= capacity;
    if (fits && !roomy) {
      return;
    }
    if (needed > MAX_CAPACITY) {
      throw new IllegalStateException("history of one address would exceed " + MAX_CAPACITY + " bytes");
    }
    long target = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, needed + needed * (4 + ThreadLocalRandom.current().nextInt(9)) / 16));
    if (!roomy && target <= capacity) {
      // Forward, to a lower offset: safe within one buffer.
      bytes.setBytes(0, bytes, start, live);
    } else {
      ByteBuf moved = direct ? allocator.directBuffer((int) target, (int) target) : allocator.heapBuffer((int) target, (int) target);
      if (bytes != null) {
        moved.setBytes(0, bytes, start, live);
        bytes.release();
      }
      bytes = moved;
    }
    shift += start;
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
    if (storedLength >= 0) {
      // Exact: every char is Latin-1 here, so nothing is replaced.
      byte[] latin1 = text.getBytes(StandardCharsets.ISO_8859_1);
      bytes.setBytes(at, latin1);
      return at + latin1.length;
    }
    int n = text.length();
    byte[] utf16 = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      utf16[2 * i] = (byte) (c >>> 8);
      utf16[2 * i + 1] = (byte) c;
    }
    bytes.setBytes(at, utf16);
    return at + utf16.length;
  }

  private String read(int at, int storedLength) {
    byte[] stored = new byte[byteCount(storedLength)];
    bytes.getBytes(at, stored);
    if (storedLength >= 0) {
      return new String(stored, StandardCharsets.ISO_8859_1);
    }
    // By hand: a UTF-16 decoder would replace a lone surrogate, and the text must come back as it went in.
    char[] chars = new char[-storedLength];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((stored[2 * i] & 0xFF) << 8) | (stored[2 * i + 1] & 0xFF));
    }
    return new String(chars);
  }
}
