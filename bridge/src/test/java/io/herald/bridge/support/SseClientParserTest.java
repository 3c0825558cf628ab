package io.herald.bridge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.herald.bridge.support.SseClient.Event;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test client's parser must itself follow the WHATWG rules, or the transport tests prove nothing. */
class SseClientParserTest {

  private final List<Event> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final List<Long> retries = new ArrayList<>();
  private final SseClient.Parser parser = new SseClient.Parser(events::add, comments::add, retries::add);

  private void feed(String... chunks) {
    for (String chunk : chunks) {
      parser.feed(Buffer.buffer(chunk));
    }
  }

  @Test
  void parsesFieldsAndDefaultsTheType() {
    feed("id: 7\nevent: price\ndata: {\"a\":1}\n\n", "data:no space\n\n");
    assertEquals(List.of(new Event("7", "price", "{\"a\":1}"), new Event(null, "message", "no space")), events);
    assertEquals("7", parser.lastEventId());
  }

  @Test
  void acceptsEveryLineEndingEvenWhenCrlfIsSplitAcrossChunks() {
    feed("data: a\r\ndata: b\rdata: c\ndata: d\r", "\n\r", "\n");
    assertEquals(List.of(new Event(null, "message", "a\nb\nc\nd")), events);
  }

  @Test
  void keepsCommentsRetryAndIgnoresUnknownFields() {
    feed("\uFEFF:hello\n", ":\n", "retry: 1500\nretry: x1\nfoo: bar\ndata\n\n");
    assertEquals(List.of("hello", ""), comments);
    assertEquals(List.of(1500L), retries);
    assertEquals(List.of(new Event(null, "message", "")), events);
  }

  @Test
  void doesNotDispatchABlockWithoutDataButForgetsItsType() {
    feed("event: x\nid: 1\n\ndata: y\n\n");
    assertEquals(List.of(new Event(null, "message", "y")), events);
    assertEquals("1", parser.lastEventId());
  }

  @Test
  void decodesUtf8SplitAcrossChunks() {
    byte[] bytes = "data: é€\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(Buffer.buffer(new byte[] {b}));
    }
    assertEquals("é€", events.get(0).data());
    assertNull(events.get(0).id());
  }

  @Test
  void waitsForTheBlankLineBeforeDispatching() {
    feed("data: a\n");
    assertEquals(List.of(), events);
    feed("\n");
    assertEquals(1, events.size());
  }
}
