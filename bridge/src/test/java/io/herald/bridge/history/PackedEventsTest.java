package io.herald.bridge.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackedEventsTest {

  private record Event(long ts, String type, String data) {}

  private static List<Event> contents(PackedEvents packed) {
    List<Event> out = new ArrayList<>();
    for (int i = 0, at = packed.first(); i < packed.count(); i++, at = packed.next(at)) {
      out.add(new Event(packed.ts(at), packed.type(at), packed.data(at)));
    }
    return out;
  }

  /** Texts of every kind a JSON body or event name can be: empty, ASCII, Latin-1, beyond it, lone surrogates. */
  private static String randomText(Random random) {
    int length = random.nextInt(4) == 0 ? random.nextInt(2000) : random.nextInt(40);
    StringBuilder text = new StringBuilder(length);
    int kind = random.nextInt(4);
    for (int i = 0; i < length; i++) {
      text.append(switch (kind) {
        case 0 -> (char) (' ' + random.nextInt(95));
        case 1 -> (char) random.nextInt(0x100);
        case 2 -> (char) random.nextInt(0x10000);
        default -> random.nextBoolean() ? (char) (0xD800 + random.nextInt(0x800)) : 'a';
      });
    }
    return text.toString();
  }

  /** A pooled allocator without thread caches, so that its arenas count exactly the buffers not given back. */
  private static PooledByteBufAllocator uncachedAllocator() {
    return new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);
  }

  private static long buffersHeld(PooledByteBufAllocator allocator) {
    return allocator.metric().directArenas().stream().mapToLong(PoolArenaMetric::numActiveAllocations).sum();
  }

  private static PackedEvents packed(boolean offHeap) {
    return offHeap ? PackedEvents.offHeap() : PackedEvents.onHeap();
  }

  @ParameterizedTest(name = "off the heap: {0}")
  @ValueSource(booleans = {true, false})
  void keepsExactlyWhatAQueueOfEventsWouldThroughGrowthCompactionAndShrinking(boolean offHeap) {
    Random random = new Random(42);
    PackedEvents packed = packed(offHeap);
    ArrayDeque<Event> expected = new ArrayDeque<>();
    for (int step = 0; step < 20_000; step++) {
      // Phases of growth and of decline, so the array grows, compacts in place and shrinks.
      boolean growing = step / 2_000 % 2 == 0;
      if (expected.isEmpty() || random.nextInt(10) < (growing ? 7 : 3)) {
        Event event = new Event(random.nextLong(), randomText(random), randomText(random));
        packed.addLast(event.ts(), event.type(), event.data());
        expected.addLast(event);
        // Right after an append the array is never more than three times what it keeps.
        assertTrue(packed.capacity() <= Math.max(256, 3 * packed.size()), packed.capacity() + " for " + packed.size() + " at step " + step);
      } else {
        packed.removeFirst();
        expected.removeFirst();
      }
      assertEquals(expected.size(), packed.count());
      if (step % 97 == 0) {
        assertEquals(List.copyOf(expected), contents(packed), "at step " + step);
      }
    }
    assertEquals(List.copyOf(expected), contents(packed));
    packed.release();
  }

  /** A read's start found from the nearest noted offset is the record a walk from the oldest finds. */
  @ParameterizedTest(name = "off the heap: {0}")
  @ValueSource(booleans = {true, false})
  void findsEachRecordFromItsMarkThroughGrowthCompactionAndShrinking(boolean offHeap) {
    Random random = new Random(43);
    PackedEvents packed = packed(offHeap);
    ArrayDeque<Event> expected = new ArrayDeque<>();
    for (int step = 0; step < 6_000; step++) {
      boolean growing = step / 600 % 2 == 0;
      if (expected.isEmpty() || random.nextInt(10) < (growing ? 7 : 3)) {
        Event event = new Event(random.nextLong(), randomText(random), randomText(random));
        packed.addLast(event.ts(), event.type(), event.data());
        expected.addLast(event);
      } else {
        packed.removeFirst();
        expected.removeFirst();
      }
      if (step % 13 == 0) {
        List<Event> kept = List.copyOf(expected);
        for (int skip = 0; skip < kept.size(); skip++) {
          int at = packed.at(skip);
          assertEquals(kept.get(skip), new Event(packed.ts(at), packed.type(at), packed.data(at)), "record " + skip + " at step " + step);
        }
      }
    }
    packed.release();
  }

  @Test
  void offTheHeapEveryBufferTakenIsGivenBack() {
    PooledByteBufAllocator allocator = uncachedAllocator();
    Random random = new Random(7);
    PackedEvents packed = new PackedEvents(allocator, true);
    for (int step = 0; step < 5_000; step++) {
      boolean growing = step / 500 % 2 == 0;
      if (packed.count() == 0 || random.nextInt(10) < (growing ? 7 : 3)) {
        packed.addLast(step, randomText(random), randomText(random));
      } else {
        packed.removeFirst();
      }
      // Growth and shrinking move the events to a new buffer and give the old one back at once.
      assertEquals(packed.capacity() == 0 ? 0 : 1, buffersHeld(allocator), "at step " + step);
    }
    while (packed.count() > 0) {
      packed.removeFirst();
    }
    assertEquals(0, buffersHeld(allocator), "the last removal gives the buffer back");
    packed.addLast(1, "message", "{}");
    packed.release();
    assertEquals(0, buffersHeld(allocator), "release gives it back with events still in it");
    assertEquals(0, packed.count());
    packed.addLast(2, "message", "{\"again\":true}");
    assertEquals(List.of(new Event(2, "message", "{\"again\":true}")), contents(packed));
    packed.release();
    assertEquals(0, buffersHeld(allocator));
  }

  @Test
  void growsToAtMostSevenQuartersOfWhatItKeeps() {
    PackedEvents packed = PackedEvents.offHeap();
    for (int i = 0; i < 1_000; i++) {
      packed.addLast(i, "message", "{\"seq\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
      assertTrue(packed.capacity() <= Math.max(256, packed.size() * 7 / 4 + 1), packed.capacity() + " for " + packed.size());
    }
    packed.release();
  }

  @Test
  void addressesWrittenInTurnDoNotAllOutgrowTheirBuffersAtOnce() {
    List<PackedEvents> logs = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      logs.add(PackedEvents.onHeap());
    }
    String data = "{\"pad\":\"" + "x".repeat(90) + "\"}";
    int worst = 0;
    for (int round = 0; round < 300; round++) {
      int moved = 0;
      for (PackedEvents log : logs) {
        int before = log.capacity();
        log.addLast(round, "message", data);
        moved += log.capacity() != before ? 1 : 0;
      }
      // The first moves come together (every buffer starts alike); after a few, they spread out.
      if (round >= 30) {
        worst = Math.max(worst, moved);
      }
    }
    assertTrue(worst < 300, "at most " + worst + " of 1 000 buffers moved in one round");
  }

  @Test
  void anArrayMoreThanThreeTimesWhatIsKeptShrinksAtTheNextAppend() {
    PackedEvents packed = PackedEvents.offHeap();
    String data = "x".repeat(1000);
    for (int i = 0; i < 100; i++) {
      packed.addLast(i, "message", data);
    }
    int grown = packed.capacity();
    while (packed.count() > 1) {
      packed.removeFirst();
    }
    packed.addLast(100, "message", data);
    assertTrue(packed.capacity() < grown / 8, packed.capacity() + " after " + grown);
    assertEquals(List.of(new Event(99, "message", data), new Event(100, "message", data)), contents(packed));
  }

  @ParameterizedTest(name = "off the heap: {0}")
  @ValueSource(booleans = {true, false})
  void theLastEventGoneTheArrayGoesWithIt(boolean offHeap) {
    PackedEvents packed = packed(offHeap);
    packed.addLast(1, "message", "{\"a\":1}");
    packed.removeFirst();
    assertEquals(0, packed.capacity());
    assertEquals(0, packed.count());
    assertThrows(IllegalStateException.class, packed::removeFirst);
    packed.addLast(2, "", "");
    assertEquals(List.of(new Event(2, "", "")), contents(packed));
  }
}
