package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner that skips to the next {@code q} finds what the byte-by-byte one finds, however the stream is split. */
class EventScannerTest {

  private static final byte[] READY = EventScanner.bytes("\"type\":\"ack\"");

  @Test
  void skippingFindsEveryEventTheByteByByteScanFinds() {
    StringBuilder stream = new StringBuilder("{\"type\":\"ack\",\"ref\":1}");
    for (int seq = 0; seq < 300; seq++) {
      // A Herald frame around the payload: other keys, a q in a value, a "seq" without its colon.
      stream.append("{\"type\":\"rec\",\"address\":\"user.q").append(seq)
          .append("\",\"note\":\"seq\",\"body\":{\"seq\":").append(seq)
          .append(",\"t\":").append(1_000_000L + seq).append(",\"pad\":\"").append("x".repeat(seq % 70)).append("\"}}\n");
    }
    assertSkippingFindsWhatByteByByteFinds(stream.toString().getBytes(StandardCharsets.UTF_8), 300);
  }

  @Test
  void nearMissesOfTheEventFormFindWhatByteByByteFinds() {
    // Forms the straight-through read of a whole event must leave to the byte-wise path: no seq
    // digits, a longer key, a space, a quote ending the time, and an event cut off by the stream's end.
    StringBuilder stream = new StringBuilder("{\"type\":\"ack\",\"ref\":1}");
    String[] oddities = {"{\"seq\":,\"t\":5,", "{\"seq\":12,\"tt\":5,", "{\"seq\":7 ,\"t\":8}", "{\"seq\":9,\"t\":10\"seq\":11,\"t\":12,"};
    for (int seq = 0; seq < 200; seq++) {
      stream.append(oddities[seq % oddities.length]);
      stream.append("{\"body\":{\"seq\":").append(1000 + seq).append(",\"t\":").append(5_000_000L + seq).append(",\"pad\":\"xx\"}}\n");
    }
    stream.append("{\"seq\":33,\"t\":44");
    byte[] all = stream.toString().getBytes(StandardCharsets.UTF_8);
    List<long[]> bytewise = new ArrayList<>();
    new EventScanner(READY).scan(Buffer.buffer(all), sink(bytewise));
    assertSkippingFindsWhatByteByByteFinds(all, bytewise.size());
  }

  private static void assertSkippingFindsWhatByteByByteFinds(byte[] all, int events) {
    List<long[]> expected = new ArrayList<>();
    EventScanner bytewise = new EventScanner(READY);
    bytewise.scan(Buffer.buffer(all), sink(expected));
    assertEquals(events, expected.size(), "the byte-by-byte scan finds every event");

    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<long[]> found = new ArrayList<>();
      EventScanner skipping = new EventScanner(READY);
      EventScanner.Sink sink = sink(found);
      int at = 0;
      while (at < all.length) {
        int n = Math.min(all.length - at, 1 + random.nextInt(round % 2 == 0 ? 8 : 400));
        // Scanned in the middle of a larger buffer, as a WebSocket payload is.
        ByteBuf buffer = Unpooled.buffer().writeBytes(new byte[] {'q', '"'}).writeBytes(all, at, n).writeBytes(new byte[] {'q'});
        skipping.scan(buffer, 2, n, sink);
        buffer.release();
        at += n;
      }
      assertEquals(expected.size(), found.size(), "round " + round);
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i)[0], found.get(i)[0], "round " + round + ", event " + i);
        assertEquals(expected.get(i)[1], found.get(i)[1], "round " + round + ", event " + i);
      }
    }
  }

  @Test
  void findsTheFirstQWordAtATime() {
    Random random = new Random(7);
    for (int round = 0; round < 2000; round++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        // Neighbours of q (p, r, 0xf1) and bytes that borrow (0x00, 0x70) around it.
        byte[] alphabet = {'p', 'r', 'x', 'q', 0x00, 0x70, (byte) 0xf1, '"'};
        bytes[i] = alphabet[random.nextInt(round % 3 == 0 ? alphabet.length : 3)];
      }
      ByteBuf buffer = Unpooled.directBuffer().writeBytes(bytes);
      int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      int expected = -1;
      for (int i = from; i < bytes.length; i++) {
        if (bytes[i] == 'q') {
          expected = i;
          break;
        }
      }
      assertEquals(expected, EventScanner.indexOfQ(buffer, from, bytes.length), () -> java.util.Arrays.toString(bytes));
      buffer.release();
    }
  }

  private static EventScanner.Sink sink(List<long[]> into) {
    return new EventScanner.Sink() {
      @Override
      public void event(long seq, long sentNanos) {
        into.add(new long[] {seq, sentNanos});
      }

      @Override
      public void ready() {
      }
    };
  }
}
