package io.herald.bridge.history;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;

/**
 * History in this process's memory, for a node that runs alone: shared by all of the node's
 * verticle instances, lost when the process ends (a restart starts new epochs, so old cursors get
 * {@code reset}, never wrong events).
 */
public final class LocalHistoryStore implements HistoryStore {

  private final ConcurrentHashMap<String, AddressLog> logs = new ConcurrentHashMap<>();

  @Override
  public Future<Position> append(String address, String type, long ts, String dataJson, Retention retention) {
    AddressLog log = logs.computeIfAbsent(address, a -> new AddressLog(Epochs.next()));
    synchronized (log) {
      return Future.succeededFuture(log.append(type, ts, dataJson, retention, System.currentTimeMillis()));
    }
  }

  @Override
  public Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention) {
    AddressLog log = logs.get(address);
    if (log == null) {
      return Future.succeededFuture(HistoryPage.EMPTY);
    }
    synchronized (log) {
      return Future.succeededFuture(log.read(afterSeq, limit, retention, System.currentTimeMillis()));
    }
  }

  @Override
  public long ownedAddresses() {
    return logs.size();
  }
}
