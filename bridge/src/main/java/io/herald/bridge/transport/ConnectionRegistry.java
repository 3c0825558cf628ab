package io.herald.bridge.transport;

import io.herald.bridge.envelope.EventIds;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The live connections of one bridge, and counters of how connections ended. Event-loop confined. */
public final class ConnectionRegistry {

  private final Map<String, ClientConnection> live = new LinkedHashMap<>();
  private final Map<CloseReason, Long> closed = new EnumMap<>(CloseReason.class);
  private final EventIds ids;

  /** @param ids issues connection ids; its random prefix keeps them unique across nodes */
  public ConnectionRegistry(EventIds ids) {
    this.ids = ids;
  }

  public String newId() {
    return ids.next();
  }

  public void add(ClientConnection connection) {
    live.put(connection.id(), connection);
  }

  public void remove(ClientConnection connection, CloseReason reason) {
    if (live.remove(connection.id(), connection)) {
      closed.merge(reason, 1L, Long::sum);
    }
  }

  public int size() {
    return live.size();
  }

  public Map<String, Integer> countByTransport() {
    Map<String, Integer> counts = new TreeMap<>();
    for (ClientConnection connection : live.values()) {
      counts.merge(connection.transport(), 1, Integer::sum);
    }
    return counts;
  }

  public long closedCount(CloseReason reason) {
    return closed.getOrDefault(reason, 0L);
  }

  /** A copy, so callers may close connections while iterating. */
  public List<ClientConnection> all() {
    return new ArrayList<>(live.values());
  }

  public void tick(long now) {
    for (ClientConnection connection : all()) {
      connection.tick(now);
    }
  }
}
