package io.herald.bridge.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseFormatTest {

  @Test
  void writesIdEventAndDataFieldsThenABlankLine() {
    assertEquals("id: a-1\nevent: price\ndata: {\"x\":1}\n\n",
        SseFormat.event("a-1", "price", "{\"x\":1}").toString());
  }

  @Test
  void leavesOutAbsentIdAndEvent() {
    assertEquals("data: hi\n\n", SseFormat.event(null, null, "hi").toString());
    assertEquals("event: connected\ndata: {}\n\n", SseFormat.event(null, "connected", "{}").toString());
  }

  @Test
  void splitsDataOnLf() {
    assertEquals("data: a\ndata: b\ndata: c\n\n", SseFormat.event(null, null, "a\nb\nc").toString());
  }

  @Test
  void splitsDataOnCr() {
    assertEquals("data: a\ndata: b\n\n", SseFormat.event(null, null, "a\rb").toString());
  }

  @Test
  void splitsDataOnCrlfAsOneLineBreak() {
    assertEquals("data: a\ndata: b\n\n", SseFormat.event(null, null, "a\r\nb").toString());
  }

  @Test
  void keepsEmptyLinesAndATrailingLineBreak() {
    assertEquals("data: a\ndata: \ndata: b\ndata: \n\n", SseFormat.event(null, null, "a\n\r\nb\r").toString());
    assertEquals("data: \ndata: \ndata: \n\n", SseFormat.event(null, null, "\r\r").toString());
  }

  @Test
  void dataWithLineBreaksSurvivesAConformingParser() {
    String data = "one\r\ntwo\rthree\nfour\n\nsix";
    List<Event> events = new ArrayList<>();
    SseClient.Parser parser = new SseClient.Parser(events::add, c -> { }, r -> { });
    parser.feed(SseFormat.event("id-1", "note", data));
    // A parser normalises every line break to LF; nothing else changes and no field leaks.
    assertEquals(List.of(new Event("id-1", "note", "one\ntwo\nthree\nfour\n\nsix")), events);
  }

  @Test
  void aDataLineCannotInjectAnotherField() {
    List<Event> events = new ArrayList<>();
    SseClient.Parser parser = new SseClient.Parser(events::add, c -> { }, r -> { });
    parser.feed(SseFormat.event("1", "note", "x\nid: forged\nevent: forged\n\ndata: forged"));
    assertEquals(1, events.size());
    assertEquals(new Event("1", "note", "x\nid: forged\nevent: forged\n\ndata: forged"), events.get(0));
  }

  @Test
  void appendsJsonDataAfterWhatTheBuilderHeldAsOneLine() {
    // The builder is the event loop's, reused: line breaks before the event are not the event's.
    StringBuilder out = new StringBuilder("earlier\n\n");
    SseFormat.appendJsonEvent(out, "a-1", "price", json -> json.append("{\"x\":1}"));
    assertEquals("earlier\n\nid: a-1\nevent: price\ndata: {\"x\":1}\n\n", out.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":\n1}", "{\"a\":\r1}", "{\"a\":\r\n1}"})
  void splitsJsonDataThatHoldsALineBreak(String json) {
    StringBuilder out = new StringBuilder("earlier\n\n");
    SseFormat.appendJsonEvent(out, null, "note", text -> text.append(json));
    assertEquals("earlier\n\nevent: note\ndata: {\"a\":\ndata: 1}\n\n", out.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a\r\nb", "\n", "a\r"})
  void refusesLineBreaksInIdAndEvent(String bad) {
    assertThrows(IllegalArgumentException.class, () -> SseFormat.event(bad, "ok", "d"));
    assertThrows(IllegalArgumentException.class, () -> SseFormat.event("ok", bad, "d"));
  }

  @Test
  void retryAndHeartbeat() {
    assertEquals("retry: 2000\n\n", SseFormat.retry(2000).toString());
    assertEquals(Buffer.buffer(":\n\n"), SseFormat.HEARTBEAT);
  }
}
