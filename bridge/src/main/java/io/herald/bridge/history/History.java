package io.herald.bridge.history;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * A node's history: which addresses keep it ({@link HistoryPolicy}) and where it is kept
 * ({@link HistoryStore}). Shared by every verticle instance of the node; thread-safe.
 */
public final class History {

  /** The key {@link #probe} reads: no event is ever appended to it, so the read finds nothing and stores nothing. */
  static final String PROBE_ADDRESS = "herald.history.probe";
  private static final Retention PROBE_RETENTION = new Retention(1, Duration.ofSeconds(1));

  private final HistoryPolicy policy;
  private final HistoryStore store;

  public History(HistoryPolicy policy, HistoryStore store) {
    this.policy = policy;
    this.store = store;
  }

  public HistoryPolicy policy() {
    return policy;
  }

  /** Whether events of the address get positions and can be replayed. */
  public boolean keeps(String address) {
    return policy.retentionFor(address) != null;
  }

  /** @return the position given, or a failed future if the address keeps no history */
  public Future<Position> append(String address, String type, long ts, String dataJson) {
    Retention retention = policy.retentionFor(address);
    if (retention == null) {
      return Future.failedFuture(new IllegalArgumentException(address + " keeps no history"));
    }
    return store.append(address, type, ts, dataJson, retention);
  }

  /** @return the positions given, in order, or a failed future if the address keeps no history */
  public Future<List<Position>> appendAll(String address, List<NewEvent> events) {
    Retention retention = policy.retentionFor(address);
    if (retention == null) {
      return Future.failedFuture(new IllegalArgumentException(address + " keeps no history"));
    }
    return store.appendAll(address, events, retention);
  }

  /** Up to {@code limit} events after {@code afterSeq}; an empty page for an address without history. */
  public Future<HistoryPage> read(String address, long afterSeq, int limit) {
    Retention retention = policy.retentionFor(address);
    if (retention == null) {
      return Future.succeededFuture(HistoryPage.EMPTY);
    }
    return store.read(address, afterSeq, limit, retention);
  }

  /** The position of the address's newest event ({@link Position#NONE} when it has none). */
  public Future<Position> head(String address) {
    return read(address, Long.MAX_VALUE, 0).map(page -> page.lastSeq() == 0 ? Position.NONE : page.head());
  }

  /**
   * Reads the head of an address nobody publishes to, straight from the store whatever the policy:
   * completes when the store answers (in a cluster, the member owning that key's partition), which
   * is what a readiness check asks of history.
   */
  public Future<Void> probe() {
    return store.read(PROBE_ADDRESS, Long.MAX_VALUE, 0, PROBE_RETENTION).mapEmpty();
  }

  /** Addresses whose history this node holds. */
  public long ownedAddresses() {
    return store.ownedAddresses();
  }
}
