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
