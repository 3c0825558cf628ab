package io.herald.bridge.presence;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One connection present at one address.
 *
 * @param address the address subscribed to
 * @param user the connection's user id, {@code null} when anonymous
 * @param connection the connection id
 * @param node the key of the Herald node that holds the connection
 * @param member the cluster member of that node (its Hazelcast member UUID), {@code null} standalone:
 *     what finds a crashed member's entries
 * @param transport {@code sse}, {@code websocket} or {@code sockjs}
 * @param since when the subscription was registered, epoch ms
 */
public record PresenceEntry(String address, String user, String connection, String node, String member, String transport, long since) {

  public PresenceEntry {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(connection, "connection");
  }

  /** One entry per connection per address: {@code <address>|<connection>} ({@code |} is in neither). */
  public static String key(String address, String connection) {
    return address + '|' + connection;
  }

  public String key() {
    return key(address, connection);
  }

  /** Every field, as stored. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("address", address)
        .put("user", user)
        .put("connection", connection)
        .put("node", node)
        .put("member", member)
        .put("transport", transport)
        .put("since", since);
  }

  public static PresenceEntry fromJson(JsonObject json) {
    return new PresenceEntry(
        json.getString("address"),
        json.getString("user"),
        json.getString("connection"),
        json.getString("node"),
        json.getString("member"),
        json.getString("transport"),
        json.getLong("since", 0L));
  }

  /** What the presence API lists: {@code {user, connection, node, transport, since}}. */
  public JsonObject describe() {
    return event().put("since", since);
  }

  /** The data of a {@code presence.join} or {@code presence.leave} event: {@code {user, connection, node, transport}}. */
  public JsonObject event() {
    return new JsonObject().put("user", user).put("connection", connection).put("node", node).put("transport", transport);
  }
}
