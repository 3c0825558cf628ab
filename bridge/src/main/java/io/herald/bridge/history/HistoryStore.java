package io.herald.bridge.history;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Where positions are assigned and events kept. An append assigns the next position and stores the
 * event in one atomic step, so two nodes appending to one address never get the same number.
 * Implementations are safe to call from any thread.
 */
public interface HistoryStore {

  /** Stores the event and returns the position it was given. */
  Future<Position> append(String address, String type, long ts, String dataJson, Retention retention);

  /**
   * Stores events of one address in their order and returns the positions they were given, in the
   * same order and consecutive. A store that can does it in one step (a cluster's: one call to the
   * member owning the address), all or none. This default, for stores that answer at once, appends
   * them one after the other up to the first that fails (the store is closed, or out of memory):
   * those before it are kept, and reach subscribers as a gap their gates fill from history.
   */
  default Future<List<Position>> appendAll(String address, List<NewEvent> events, Retention retention) {
    List<Position> positions = new ArrayList<>(events.size());
    Future<Void> done = Future.succeededFuture();
    for (NewEvent event : events) {
      done = done.compose(v -> append(address, event.type(), event.ts(), event.dataJson(), retention)).map(position -> {
        positions.add(position);
        return null;
      });
    }
    return done.map(v -> positions);
  }

  /**
   * Reads up to {@code limit} events after {@code afterSeq}, oldest first, leaving out those older
   * than the retention allows. A limit of 0 reads only the head.
   */
  Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention);

  /** Addresses whose history this node holds (in a cluster, the primary copies it owns): a cheap local count for operators. */
  long ownedAddresses();
}
