package io.herald.bridge.transport.sse;

import io.herald.bridge.history.Position;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SSE event id of a stream: one opaque cursor that covers every address of the stream that
 * keeps history, so {@code Last-Event-ID} resumes all of them at once.
 *
 * <p>A stream with one such address uses the position itself ({@code epoch.seq}), the same text for
 * every subscriber, so the event's buffer is shared. With several it is
 * {@code address=epoch.seq,address=epoch.seq} (addresses cannot contain {@code =} or {@code ,}).
 */
final class StreamCursor {

  private StreamCursor() {}

  /** The cursor with {@code address} at {@code at} and every other address where it is. */
  static String encode(Map<String, Position> positions, String address, Position at) {
    if (positions.size() == 1) {
      return (at != null ? at : positions.values().iterator().next()).toString();
    }
    StringBuilder out = new StringBuilder(positions.size() * 32);
    for (Map.Entry<String, Position> entry : positions.entrySet()) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      Position position = entry.getKey().equals(address) && at != null ? at : entry.getValue();
      out.append(entry.getKey()).append('=').append(position);
    }
    return out.toString();
  }

  static String encode(Map<String, Position> positions) {
    return encode(positions, null, null);
  }

  /**
   * Where each address with history resumes. No cursor: none is in the map (they start now). An
   * address a named cursor leaves out is not in the map either: the client never had a position
   * there (it is new to this stream, e.g. herald.js reopening its stream for a subscribe), so it
   * starts now and nothing was lost. An address named with an unreadable position maps to
   * {@link Position#UNKNOWN}, which resumes as a reset: the client is told rather than left
   * guessing. So does every address when a bare position comes with several of them, since it
   * cannot say which one it was the position of.
   */
  static Map<String, Position> decode(String cursor, Collection<String> historyAddresses) {
    Map<String, Position> out = new LinkedHashMap<>();
    if (cursor == null || cursor.isBlank() || historyAddresses.isEmpty()) {
      return out;
    }
    if (cursor.indexOf('=') < 0) {
      Position position = historyAddresses.size() == 1 ? Position.parse(cursor.trim()) : null;
      historyAddresses.forEach(address -> out.put(address, position != null ? position : Position.UNKNOWN));
      return out;
    }
    Map<String, String> named = new HashMap<>();
    for (String part : cursor.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        named.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    for (String address : historyAddresses) {
      if (named.containsKey(address)) {
        Position position = Position.parse(named.get(address));
        out.put(address, position != null ? position : Position.UNKNOWN);
      }
    }
    return out;
  }
}
