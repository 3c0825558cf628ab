package io.herald.bridge.node;

import io.herald.bridge.transport.ClientConnection;
import io.herald.bridge.transport.CloseReason;
import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live connection of this node, whichever verticle instance holds it, with the context it is
 * confined to: what lets a request for one connection, or an event for everyone, reach it. Also
 * where a connection's opening and closing are announced on the bus.
 *
 * <p>Shared by the node's verticle instances, hence concurrent; a connection itself is only ever
 * touched on its own context.
 */
public final class LocalConnections {

  /** A connection and the event loop it lives on. */
  public record Entry(ClientConnection connection, Context context) {}

  /** One line per connection opened and closed (with the reason: a slow client's drop among them); silence it with the logger's level. */
  private static final Logger LOG = System.getLogger("herald.connections");

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();
  // Kept as connections come and go, so a metrics scrape reads them without walking every connection.
  private final Map<String, AtomicInteger> byTransport = new ConcurrentHashMap<>();
  private final EventBus bus;
  private final String nodeKey;

  public LocalConnections(EventBus bus, String nodeKey) {
    this.bus = bus;
    this.nodeKey = nodeKey;
  }

  /** Call on the connection's context once it is open. */
  public void opened(ClientConnection connection, Context context) {
    if (byId.put(connection.id(), new Entry(connection, context)) == null) {
      byTransport.computeIfAbsent(connection.transport(), t -> new AtomicInteger()).incrementAndGet();
    }
    bus.publish(NodeAddresses.CONNECTION_OPENED, describe(connection));
    LOG.log(Level.INFO, "connection {0} opened: {1}, user {2}", connection.id(), connection.transport(), user(connection));
  }

  /** Call once, when the connection has closed. */
  public void closed(ClientConnection connection, CloseReason reason) {
    if (byId.remove(connection.id()) != null) {
      byTransport.get(connection.transport()).decrementAndGet();
      bus.publish(NodeAddresses.CONNECTION_CLOSED, describe(connection).put("reason", reason.code()));
      LOG.log(reason == CloseReason.SLOW_CONSUMER ? Level.WARNING : Level.INFO, "connection {0} closed: {1}, user {2}, {3}",
          connection.id(), connection.transport(), user(connection), reason.code());
    }
  }

  /** The connection with this id on this node, or {@code null}. */
  public Entry find(String connectionId) {
    return byId.get(connectionId);
  }

  public int size() {
    return byId.size();
  }

  /** Live connections of one transport ({@code sse}, {@code websocket}, {@code sockjs}). */
  public int count(String transport) {
    AtomicInteger count = byTransport.get(transport);
    return count == null ? 0 : count.get();
  }

  /** Every connection, grouped by the context it lives on, so an event is encoded once per context. */
  public Map<Context, List<ClientConnection>> byContext() {
    Map<Context, List<ClientConnection>> out = new HashMap<>();
    for (Entry entry : byId.values()) {
      out.computeIfAbsent(entry.context(), c -> new ArrayList<>()).add(entry.connection());
    }
    return out;
  }

  private static String user(ClientConnection connection) {
    String subject = connection.identity().subject();
    return subject == null ? "anonymous" : subject;
  }

  /** What the lifecycle events and {@code herald.whoami} say of a connection. */
  public JsonObject describe(ClientConnection connection) {
    return new JsonObject()
        .put("connection", connection.id())
        .put("user", connection.identity().subject())
        .put("transport", connection.transport())
        .put("node", nodeKey)
        .put("ts", System.currentTimeMillis());
  }
}
