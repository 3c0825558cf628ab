package io.herald.bridge.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void quotesAndEscapesStrings() {
    assertEquals("\"plain\"", JsonText.quoted("plain"));
    assertEquals("\"a\\\"b\\\\c\"", JsonText.quoted("a\"b\\c"));
    assertEquals("\"l1\\nl2\\r\\t\\u0000\"", JsonText.quoted("l1\nl2\r\t\u0000"));
    assertEquals("\"é€😀\"", JsonText.quoted("é€😀"));
    StringBuilder out = new StringBuilder("x=");
    JsonText.appendQuoted(out, "q\"");
    assertEquals("x=\"q\\\"\"", out.toString());
  }

  @Test
  void quotedTextDecodesBackToTheString() {
    String nasty = "line\nbreak \"quote\" \\ \u0001 </script> \u2028";
    assertEquals(nasty, new JsonArray("[" + JsonText.quoted(nasty) + "]").getString(0));
  }

  @Test
  void encodesEveryBusBodyAsJson() {
    assertEquals("null", JsonText.encodeBody(null));
    assertEquals("{\"a\":[1,\"x\"]}", JsonText.encodeBody(new JsonObject().put("a", new JsonArray().add(1).add("x"))));
    assertEquals("[true,null]", JsonText.encodeBody(new JsonArray().add(true).addNull()));
    assertEquals("\"hi\\n\"", JsonText.encodeBody("hi\n"));
    assertEquals("\"from buffer\"", JsonText.encodeBody(Buffer.buffer("from buffer")));
    assertEquals("42", JsonText.encodeBody(42));
    assertEquals("9223372036854775807", JsonText.encodeBody(Long.MAX_VALUE));
    assertEquals("1.5", JsonText.encodeBody(1.5d));
    assertEquals("false", JsonText.encodeBody(false));
  }

  @Test
  void encodesTreesAsJsonEncodeDoes() {
    JsonObject tree = new JsonObject()
        .put("text", "é \"quoted\" \u2028 \n tab\t")
        .put("numbers", new JsonArray().add(0).add(-7L).add(1.5e300).add(3.25f).add(new BigDecimal("1.10")).add(new BigInteger("123456789012345678901234567890")))
        .put("bytes", new byte[] {1, 2, 3})
        .put("when", Instant.parse("2026-11-23T06:00:00Z"))
        .put("nested", new JsonObject().put("empty", new JsonArray()).putNull("nothing").put("yes", true))
        .put("map", Map.of("k", List.of(1, "two")));
    assertEquals(Json.encode(tree), JsonText.encodeBody(tree));
    JsonArray array = new JsonArray().add(tree).add("x").addNull();
    assertEquals(Json.encode(array), JsonText.encodeBody(array));
  }

  /** A value only databind knows how to write. */
  public record Point(int x, int y) {}

  @Test
  void anObjectInsideATreeIsEncodedByDatabind() {
    JsonObject tree = new JsonObject().put("point", new Point(1, 2));
    assertEquals("{\"point\":{\"x\":1,\"y\":2}}", JsonText.encodeBody(tree));
  }

  @Test
  void treesEncodedOneAfterAnotherStaySeparate() {
    // One generator per thread writes them all: no separator between values, nothing carried over.
    for (int i = 0; i < 3; i++) {
      assertEquals("{\"n\":" + i + "}", JsonText.encodeBody(new JsonObject().put("n", i)));
      assertEquals("[" + i + "]", JsonText.encodeBody(new JsonArray().add(i)));
    }
  }

  @Test
  void aTreeThatFailsHalfWayLeavesTheNextOneWhole() {
    // The point makes the thread's generator give up inside the object; databind writes it instead.
    JsonObject failing = new JsonObject().put("before", new JsonArray().add(1)).put("point", new Point(3, 4));
    assertEquals("{\"before\":[1],\"point\":{\"x\":3,\"y\":4}}", JsonText.encodeBody(failing));
    assertEquals("{\"after\":true}", JsonText.encodeBody(new JsonObject().put("after", true)));
  }

  @Test
  void aHugeTreeThenASmallOne() {
    String big = "x".repeat(100_000);
    assertEquals("[\"" + big + "\"]", JsonText.encodeBody(new JsonArray().add(big)));
    assertEquals("[\"small\"]", JsonText.encodeBody(new JsonArray().add("small")));
  }

  @Test
  void nonFiniteNumbersBecomeNull() {
    for (Object value : List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN)) {
      assertEquals("null", JsonText.encodeBody(value), value.toString());
    }
  }

  @Test
  void encodedNumbersAreValidJson() {
    for (Object value : List.of(1e20d, 1.0e-7d, 3.25f, (short) 7, (byte) -1)) {
      String json = JsonText.encodeBody(value);
      assertEquals(((Number) value).doubleValue(), new JsonArray("[" + json + "]").getDouble(0), 0.0, json);
    }
  }

  @Test
  void refusesABodyWithNoJsonForm() {
    assertThrows(IllegalArgumentException.class, () -> JsonText.encodeBody(new Object()));
  }
}
