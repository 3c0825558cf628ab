package io.herald.bridge.history;

import io.vertx.core.Future;

/**
 * A node's history: which addresses keep it ({@link HistoryPolicy}) and where it is kept
 * ({@link HistoryStore}). Shared by every verticle instance of the node; thread-safe.
 */
public final class History {

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

  /** Addresses whose history this node holds. */
  public long ownedAddresses() {
    return store.ownedAddresses();
  }
}
