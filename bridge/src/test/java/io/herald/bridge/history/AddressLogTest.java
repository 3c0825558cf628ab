package io.herald.bridge.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressLogTest {

  private static final Retention FIVE = new Retention(5, Duration.ofMinutes(1));

  private static List<Long> seqs(HistoryPage page) {
    return page.events().stream().map(StoredEvent::seq).toList();
  }

  @Test
  void numbersEventsFromOneWithoutGapsAndKeepsTheNewest() {
    AddressLog log = new AddressLog("E1");
    for (int i = 1; i <= 8; i++) {
      assertEquals(new Position("E1", i), log.append("message", 1000, "{}", FIVE, 1000));
    }
    HistoryPage page = log.read(0, 100, FIVE, 1000);
    assertEquals(List.of(4L, 5L, 6L, 7L, 8L), seqs(page));
    assertEquals(4, page.firstSeq());
    assertEquals(8, page.lastSeq());
    assertEquals(List.of(7L, 8L), seqs(log.read(6, 100, FIVE, 1000)));
    assertEquals(List.of(5L, 6L), seqs(log.read(4, 2, FIVE, 1000)));
  }

  /** Every page, from any point, whatever was trimmed before it, is the events a full walk would give. */
  @Test
  void everyPageFromAnyPointIsWhatTheLogKeepsThere() {
    Retention hundred = new Retention(100, Duration.ofMinutes(1));
    AddressLog log = AddressLog.offHeap("E1");
    try {
      for (int n = 1; n <= 1000; n++) {
        log.append("t" + n, 1000, "{\"n\":" + n + "}", hundred, 1000);
        if (n % 37 == 0 || n == 1000) {
          long first = Math.max(1, n - 99);
          for (long after = 0; after <= n; after += 7) {
            for (int limit : new int[] {0, 1, 5, 40, 200}) {
              HistoryPage page = log.read(after, limit, hundred, 1000);
              assertEquals(first, page.firstSeq());
              assertEquals(n, page.lastSeq());
              long from = Math.max(after + 1, first);
              List<Long> want = java.util.stream.LongStream.rangeClosed(from, Math.min(n, from + limit - 1)).boxed().toList();
              assertEquals(want, seqs(page), "after " + after + ", limit " + limit + ", at " + n);
              for (StoredEvent event : page.events()) {
                assertEquals("{\"n\":" + event.seq() + "}", event.dataJson());
              }
            }
          }
        }
      }
      // Events age expired but no append dropped: the page starts after them.
      Retention minute = new Retention(100, Duration.ofMillis(60_000));
      HistoryPage aged = log.read(950, 10, minute, 1000 + 60_001);
      assertEquals(1001, aged.firstSeq());
      assertEquals(List.of(), seqs(aged));
    } finally {
      log.release();
    }
  }

  @Test
  void dropsEventsOlderThanTheRetentionOnReadAndAppend() {
    AddressLog log = new AddressLog("E1");
    log.append("message", 0, "1", FIVE, 0);
    log.append("message", 30_000, "2", FIVE, 30_000);
    HistoryPage page = log.read(0, 100, FIVE, 61_000);
    assertEquals(List.of(2L), seqs(page));
    assertEquals(2, page.firstSeq());
    log.append("message", 95_000, "3", FIVE, 95_000);
    assertEquals(List.of(3L), seqs(log.read(0, 100, FIVE, 95_000)));
  }

  /**
   * Events are stamped by the clock of the node that published them, and those clocks disagree (or
   * one steps back), so an event may carry an earlier time than the one before it. Age drops the
   * oldest events, as a trim at append does: a read must not leave out an older-stamped event in the
   * middle while keeping the one before it, which tells a resuming client nothing was missed.
   */
  @Test
  void anEventStampedEarlierThanTheOneBeforeItIsNotLeftOutOfAPage() {
    AddressLog log = new AddressLog("E1");
    log.append("message", 50_000, "1", FIVE, 50_000);
    log.append("message", 10_000, "2", FIVE, 10_000);
    log.append("message", 60_000, "3", FIVE, 60_000);
    HistoryPage page = log.read(1, 100, FIVE, 100_000);
    assertTrue(page.continues(new Position("E1", 1)));
    assertEquals(List.of(2L, 3L), seqs(page), "event 2 follows event 1, which is still kept");
    assertEquals(List.of(1L, 2L, 3L), seqs(log.read(0, 100, FIVE, 100_000)));
    assertEquals(List.of(3L), seqs(log.read(0, 100, FIVE, 111_000)), "once event 1 is too old, event 2 goes with it");
  }

  @Test
  void aPageContinuesACursorOnlyInItsEpochAndWithinWhatIsKept() {
    AddressLog log = new AddressLog("E1");
    for (int i = 1; i <= 8; i++) {
      log.append("message", 1000, "{}", FIVE, 1000);
    }
    HistoryPage page = log.read(0, 100, FIVE, 1000);
    assertTrue(page.continues(new Position("E1", 3)), "event 4 is the oldest kept");
    assertFalse(page.continues(new Position("E1", 2)), "event 3 was dropped");
    assertFalse(page.continues(new Position("E2", 5)), "another epoch");
    assertFalse(page.continues(new Position("E1", 9)), "a cursor from the future");
    assertFalse(page.continues(Position.UNKNOWN));
    assertFalse(page.continues(Position.NONE), "subscribed before any event, but events 1 to 3 are gone");
    assertTrue(new AddressLog("E3").read(0, 10, FIVE, 0).continues(Position.NONE));
  }

  @Test
  void positionsRoundTripAsText() {
    assertEquals(new Position("Ab3", 42), Position.parse("Ab3.42"));
    assertEquals(Position.NONE, Position.parse(Position.NONE.toString()));
    assertEquals(null, Position.parse("abc"));
    assertEquals(null, Position.parse("a-b.1"));
    assertEquals(null, Position.parse("?.0"));
  }

  @Test
  void policyMatchesItsPatternsInOrderAndRejectsBadEntries() {
    HistoryPolicy policy = HistoryPolicy.parse("user.**=10/1h, orders.*=50/10m");
    assertEquals(new Retention(10, Duration.ofHours(1)), policy.retentionFor("user.alice.inbox"));
    assertEquals(new Retention(50, Duration.ofMinutes(10)), policy.retentionFor("orders.eu"));
    assertEquals(null, policy.retentionFor("orders.eu.west"));
    assertEquals(null, policy.retentionFor("public.news"));
    assertTrue(HistoryPolicy.parse("").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> HistoryPolicy.parse("user.**=10"));
    assertThrows(IllegalArgumentException.class, () -> HistoryPolicy.parse("user.{sub}=10/1h"));
    assertThrows(IllegalArgumentException.class, () -> HistoryPolicy.parse("user.**=0/1h"));
  }

  /** Direct buffers until it is told there is no memory left. */
  private static final class FailingAllocator extends AbstractByteBufAllocator {
    boolean full;

    FailingAllocator() {
      super(true);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      if (full) {
        throw new OutOfMemoryError("Cannot reserve " + initialCapacity + " bytes of direct buffer memory");
      }
      return Unpooled.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return Unpooled.buffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  @Test
  void anEventThereIsNoMemoryForTakesNoNumberAndLeavesTheLogAsItWas() {
    FailingAllocator allocator = new FailingAllocator();
    AddressLog log = new AddressLog("E1", new PackedEvents(allocator, true));
    Retention thousand = new Retention(1000, Duration.ofMinutes(1));
    String data = "{\"pad\":\"" + "x".repeat(200) + "\"}";
    log.append("message", 1000, data, thousand, 1000);
    allocator.full = true;
    // Appends fit in the buffer's free share until one needs a bigger buffer.
    long kept = 1;
    while (true) {
      try {
        log.append("message", 1000, data, thousand, 1000);
        kept++;
      } catch (OutOfMemoryError expected) {
        break;
      }
    }
    HistoryPage page = log.read(0, 1000, thousand, 1000);
    assertEquals(kept, page.lastSeq());
    assertEquals(kept, page.events().size());
    allocator.full = false;
    assertEquals(new Position("E1", kept + 1), log.append("message", 1000, data, thousand, 1000));
    log.release();
  }
}
