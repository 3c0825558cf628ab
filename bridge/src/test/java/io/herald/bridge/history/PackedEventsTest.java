package io.herald.bridge.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

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

  @Test
  void keepsExactlyWhatAQueueOfEventsWouldThroughGrowthCompactionAndShrinking() {
    Random random = new Random(42);
    PackedEvents packed = new PackedEvents();
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
  }

  @Test
  void growsToAboutOneAndAHalfTimesWhatItKeeps() {
    PackedEvents packed = new PackedEvents();
    for (int i = 0; i < 1_000; i++) {
      packed.addLast(i, "message", "{\"seq\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
      assertTrue(packed.capacity() <= Math.max(256, packed.size() * 3 / 2 + 1), packed.capacity() + " for " + packed.size());
    }
  }

  @Test
  void anArrayMoreThanThreeTimesWhatIsKeptShrinksAtTheNextAppend() {
    PackedEvents packed = new PackedEvents();
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

  @Test
  void theLastEventGoneTheArrayGoesWithIt() {
    PackedEvents packed = new PackedEvents();
    packed.addLast(1, "message", "{\"a\":1}");
    packed.removeFirst();
    assertEquals(0, packed.capacity());
    assertEquals(0, packed.count());
    assertThrows(IllegalStateException.class, packed::removeFirst);
    packed.addLast(2, "", "");
    assertEquals(List.of(new Event(2, "", "")), contents(packed));
  }
}
