package io.herald.bridge.history;

import io.vertx.core.Future;

/**
 * Where positions are assigned and events kept. An append assigns the next position and stores the
 * event in one atomic step, so two nodes appending to one address never get the same number.
 * Implementations are safe to call from any thread.
 */
public interface HistoryStore {

  /** Stores the event and returns the position it was given. */
  Future<Position> append(String address, String type, long ts, String dataJson, Retention retention);

  /**
   * Reads up to {@code limit} events after {@code afterSeq}, oldest first, leaving out those older
   * than the retention allows. A limit of 0 reads only the head.
   */
  Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention);

  /** Addresses whose history this node holds (in a cluster, the primary copies it owns): a cheap local count for operators. */
  long ownedAddresses();
}
