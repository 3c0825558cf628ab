package io.herald.bridge.envelope;

import io.herald.bridge.history.Position;
import io.herald.bridge.history.StoredEvent;
import java.util.Objects;

/**
 * One event as every transport delivers it.
 *
 * <p>{@code dataJson} is the event's data already encoded as JSON text: the data is encoded once
 * when the event reaches the node and every wire format embeds that text as it is.
 *
 * @param id opaque cursor for the event; clients must not interpret it
 * @param address the event-bus address the event was published to
 * @param type the event name ({@code message} unless the publisher said otherwise)
 * @param ts publish time in epoch milliseconds
 * @param dataJson the data as JSON text ({@code null} data is the text {@code null})
 * @param position where the event stands in the address's history, or {@code null} when the
 *     address keeps none; the id is then the position's text
 */
public record Envelope(String id, String address, String type, long ts, String dataJson, Position position) {

  public static final String DEFAULT_TYPE = "message";

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(dataJson, "dataJson");
  }

  /** An event of an address without history. */
  public Envelope(String id, String address, String type, long ts, String dataJson) {
    this(id, address, type, ts, dataJson, null);
  }

  /** An event read back from history. */
  public static Envelope replayed(String address, String epoch, StoredEvent event) {
    Position position = new Position(epoch, event.seq());
    return new Envelope(position.toString(), address, event.type(), event.ts(), event.dataJson(), position);
  }

  /** The envelope as one JSON object: {@code {"id","address","type","ts","data"}}. */
  public String toJson() {
    StringBuilder json = new StringBuilder(96 + dataJson.length() + address.length() + id.length() + type.length());
    appendJson(json);
    return json.toString();
  }

  /** Appends {@link #toJson()}'s text: the SSE form embeds it without a string of its own. */
  public void appendJson(StringBuilder json) {
    json.append("{\"id\":");
    JsonText.appendQuoted(json, id);
    json.append(",\"address\":");
    JsonText.appendQuoted(json, address);
    json.append(",\"type\":");
    JsonText.appendQuoted(json, type);
    json.append(",\"ts\":").append(ts);
    json.append(",\"data\":").append(dataJson).append('}');
  }
}
