package io.herald.bridge.envelope;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** Small JSON text helpers for building wire frames by concatenation instead of re-encoding trees. */
public final class JsonText {

  private JsonText() {}

  public static void appendQuoted(StringBuilder out, String value) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(value, out);
    out.append('"');
  }

  public static String quoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2);
    appendQuoted(out, value);
    return out.toString();
  }

  /**
   * Encodes an event-bus message body as JSON text.
   *
   * <p>Buffers are taken as UTF-8 text (services publish JSON or text in them); non-finite numbers,
   * which JSON cannot carry, become {@code null}.
   *
   * @throws IllegalArgumentException if the body has no JSON form
   */
  public static String encodeBody(Object body) {
    if (body == null) {
      return "null";
    }
    if (body instanceof JsonObject || body instanceof JsonArray) {
      try {
        // Vert.x's streaming encoder of trees, the same text as Json.encode (databind) for every
        // value a tree can hold, without databind's per-call serializer provider.
        return TreeWriter.encode(body);
      } catch (EncodeException e) {
        // A value only databind can map (an object a service put in the tree): encoded below.
      }
    }
    if (body instanceof String text) {
      return quoted(text);
    }
    if (body instanceof Buffer buffer) {
      return quoted(buffer.toString(StandardCharsets.UTF_8));
    }
    if (body instanceof Double d && !Double.isFinite(d) || body instanceof Float f && !Float.isFinite(f)) {
      return "null";
    }
    if (body instanceof Number || body instanceof Boolean) {
      return body.toString();
    }
    try {
      return Json.encode(body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("body of type " + body.getClass().getName() + " has no JSON form", e);
    }
  }
}
