package io.herald.bridge.envelope;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Server-Sent Events framing per the WHATWG HTML specification (section "Server-sent events").
 *
 * <p>Field values never carry CR or LF: data with line breaks becomes one {@code data:} line per
 * line, and ids and event names are validated before they get here (a line break in them would let
 * a publisher inject fields).
 */
public final class SseFormat {

  /** A comment line; clients ignore it, proxies see traffic. */
  public static final Buffer HEARTBEAT = Buffer.buffer(":\n\n");

  private SseFormat() {}

  public static String eventText(String id, String event, String data) {
    StringBuilder out = new StringBuilder(data.length() + 48);
    appendFields(out, id, event);
    appendData(out, data);
    out.append('\n');
    return out.toString();
  }

  /**
   * Appends an event whose data is JSON text that {@code json} appends: written straight into
   * {@code out}, without a string of its own. JSON never holds a raw line break, but whatever it
   * appended is checked, and split into lines as {@link #eventText} would if it did.
   */
  static void appendJsonEvent(StringBuilder out, String id, String event, Consumer<StringBuilder> json) {
    appendFields(out, id, event);
    int line = out.length();
    out.append("data: ");
    int data = out.length();
    json.accept(out);
    // indexOf, not a loop of charAt: it is the JDK's vectorised search, and on a node of per-user
    // addresses (bench W4) the loop was a twentieth of the event loop's time.
    if (out.indexOf("\n", data) >= 0 || out.indexOf("\r", data) >= 0) {
      String text = out.substring(data);
      out.setLength(line);
      appendData(out, text);
      out.append('\n');
      return;
    }
    out.append("\n\n");
  }

  private static void appendFields(StringBuilder out, String id, String event) {
    if (id != null) {
      requireSingleLine("id", id);
      out.append("id: ").append(id).append('\n');
    }
    if (event != null) {
      requireSingleLine("event", event);
      out.append("event: ").append(event).append('\n');
    }
  }

  public static Buffer event(String id, String event, String data) {
    return Buffer.buffer(eventText(id, event, data));
  }

  public static Buffer retry(long millis) {
    return Buffer.buffer("retry: " + millis + "\n\n");
  }

  /** Splits on CRLF, CR and LF, the three line endings the spec's parser accepts. */
  static void appendData(StringBuilder out, String data) {
    int start = 0;
    int length = data.length();
    for (int i = 0; i < length; i++) {
      char c = data.charAt(i);
      if (c == '\r' || c == '\n') {
        out.append("data: ").append(data, start, i).append('\n');
        if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    out.append("data: ").append(data, start, length).append('\n');
  }

  private static void requireSingleLine(String field, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("SSE " + field + " must not contain a line break");
    }
  }
}
