package io.herald.bridge.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvelopeEncodingTest {

  private final Envelope envelope = new Envelope("abc-1", "public.ticker", "price", 1700000000123L, "{\"p\":\"a\\nb\"}");

  @Test
  void envelopeJsonCarriesEveryFieldAndTheDataAsItIs() {
    String json = envelope.toJson();
    assertEquals("{\"id\":\"abc-1\",\"address\":\"public.ticker\",\"type\":\"price\",\"ts\":1700000000123,"
        + "\"data\":{\"p\":\"a\\nb\"}}", json);
    JsonObject parsed = new JsonObject(json);
    assertEquals("a\nb", parsed.getJsonObject("data").getString("p"));
  }

  @Test
  void envelopeRefusesMissingParts() {
    assertThrows(NullPointerException.class, () -> new Envelope(null, "a", "t", 0, "null"));
    assertThrows(NullPointerException.class, () -> new Envelope("i", "a", "t", 0, null));
  }

  @Test
  void sseFormIsBuiltOnceAndIsOneEvent() {
    EncodedEvent event = new EncodedEvent(envelope);
    assertEquals("id: abc-1\nevent: price\ndata: " + envelope.toJson() + "\n\n", event.sse().toString());
    assertSame(event.sse(), event.sse());
    assertSame(event.frame(), event.frame());
  }

  @Test
  void chunkFormsAreThePlainFormsChunkedWhicheverIsBuiltFirst() {
    EncodedEvent chunkFirst = new EncodedEvent(envelope);
    Buffer chunk = chunkFirst.sseChunk();
    Buffer body = chunkFirst.sseBodyChunk();
    EncodedEvent plainFirst = new EncodedEvent(envelope);
    assertEquals(HttpChunks.of(plainFirst.sse()), chunk);
    assertEquals(HttpChunks.of(plainFirst.sseBody()), body);
    assertEquals(chunk, plainFirst.sseChunk());
    assertEquals(body, plainFirst.sseBodyChunk());
  }

  @Test
  void frameFormIsTheRecFrame() {
    JsonObject frame = new EncodedEvent(envelope).frame().toJsonObject();
    assertEquals(new JsonObject().put("type", "rec").put("address", "public.ticker").put("id", "abc-1")
        .put("event", "price").put("ts", 1700000000123L).put("body", new JsonObject().put("p", "a\nb")), frame);
  }

  /**
   * The forms are built in a builder each event loop reuses: whatever came before (a multi-byte
   * character, which changes a chunk's size line, a huge event, a raw line break in data a service
   * encoded) leaves no trace in the next event, and each form is the text the plain helpers give.
   */
  @Test
  void formsFromTheReusedBuilderAreThePlainTextsWhateverCameBefore() {
    Envelope[] envelopes = {
        envelope,
        new Envelope("k3Q9x2abT0.42", "user.zo\u00eb", "invoice", 1795377667019L, "{\"note\":\"caf\u00e9 \ud83d\ude00\"}"),
        new Envelope("big-1", "public.big", "message", 1L, "\"" + "x".repeat(40_000) + "\""),
        new Envelope("raw-1", "public.raw", "message", 2L, "\"line one\nline two\r\nthree\""),
        envelope};
    for (Envelope e : envelopes) {
      String sse = SseFormat.eventText(e.id(), e.type(), e.toJson());
      String body = SseFormat.eventText(null, e.type(), e.toJson());
      EncodedEvent chunkFirst = new EncodedEvent(e);
      assertEquals(HttpChunks.of(sse), chunkFirst.sseChunk(), e.id());
      assertEquals(HttpChunks.of(body), chunkFirst.sseBodyChunk(), e.id());
      assertEquals(Buffer.buffer(sse), chunkFirst.sse(), e.id());
      assertEquals(Buffer.buffer(body), chunkFirst.sseBody(), e.id());
      Buffer rec = Buffer.buffer(Frames.rec(e));
      EncodedEvent socketFirst = new EncodedEvent(e);
      assertEquals(WebSocketFraming.text(rec), socketFirst.webSocketFrame(), e.id());
      assertEquals(rec, socketFirst.frame(), e.id());
    }
  }

  @Test
  void eventNamesAreShortSingleLineTokens() {
    for (String good : new String[] {"message", "a", "price.v2", "user:42@x_y-z", "9", "a".repeat(64)}) {
      assertTrue(EventNames.isValid(good), good);
    }
    for (String bad : new String[] {null, "", "a b", "a\nb", "a\r", "-x", ".x", "é", "a".repeat(65), "a/b"}) {
      assertFalse(EventNames.isValid(bad), String.valueOf(bad));
    }
  }

  @Test
  void eventIdsAreUniqueValidNamesAndDifferPerInstance() {
    EventIds ids = new EventIds();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = ids.next();
      assertTrue(EventNames.isValid(id), id);
      assertTrue(seen.add(id), id);
    }
    assertNotEquals(new EventIds().next(), new EventIds().next());
  }
}
