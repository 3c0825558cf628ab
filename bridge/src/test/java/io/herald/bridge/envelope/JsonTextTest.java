package io.herald.bridge.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
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
