package io.herald.bridge.transport;

import io.herald.bridge.node.ConnectionIds;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The live connections of one bridge, the sockets of closed ones that are still saying goodbye, and
 * counters of how connections ended. Event-loop confined.
 */
public final class ConnectionRegistry {

  private final Map<String, ClientConnection> live = new LinkedHashMap<>();
  private final Map<CloseReason, Long> closed = new EnumMap<>(CloseReason.class);
  private final Set<Future<?>> closing = new HashSet<>();
  private final ConnectionIds ids;
  private boolean draining;

  /** @param ids the node's connection ids, unique across the cluster */
  public ConnectionRegistry(ConnectionIds ids) {
    this.ids = ids;
  }

  public String newId() {
    return ids.next();
  }

  /**
   * The bridge drains: the live connections, for the caller to close, and from now on every
   * connection set up here is {@link #draining() refused} as soon as its transport has wired it.
   */
  public List<ClientConnection> drain() {
    draining = true;
    return all();
  }

  /**
   * Whether the bridge has begun to drain. A connection can still be set up after that: its request
   * passed any gate before the drain began and its handshake (a token check, the upgrade) ended after.
   */
  public boolean draining() {
    return draining;
  }

  public void add(ClientConnection connection) {
    live.put(connection.id(), connection);
  }

  public void remove(ClientConnection connection, CloseReason reason) {
    if (live.remove(connection.id(), connection)) {
      closed.merge(reason, 1L, Long::sum);
    }
  }

  /**
   * Tracks a closed connection's socket until it has finished closing (its farewell written, the
   * socket closed), so a bridge that shuts down can wait for it before its server goes away.
   */
  public void closing(Future<?> socketClosed) {
    if (!socketClosed.isComplete() && closing.add(socketClosed)) {
      socketClosed.onComplete(done -> closing.remove(socketClosed));
    }
  }

  /** Completes, never fails, once every socket being closed right now has finished closing. */
  public Future<Void> socketsClosed() {
    return Future.join(new ArrayList<>(closing)).transform(done -> Future.succeededFuture());
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

  /** Frames waiting in every live connection's queue. */
  public long queued() {
    long queued = 0;
    for (ClientConnection connection : live.values()) {
      queued += connection.queued();
    }
    return queued;
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
