package io.herald.bridge.history;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * History in this process's memory, for a node that runs alone: shared by all of the node's
 * verticle instances, lost when the process ends (a restart starts new epochs, so old cursors get
 * {@code reset}, never wrong events). Events are kept outside the heap ({@link PackedEvents}) and
 * given back when an address's last event goes, and all at once by {@link #close}.
 *
 * <p>Retention is applied to an address when it is appended to or read, and by {@link #sweep} for
 * the addresses nobody touches: without it, a user who never came back would keep their last
 * events, and their log, for as long as the process runs.
 */
public final class LocalHistoryStore implements HistoryStore {

  /**
   * How long a log with no events left is kept before it is forgotten: a day, as the cluster's
   * history map forgets an entry idle for a day ({@code max-idle-seconds} in cluster.xml). Until
   * then a cursor into it resumes without a reset; after, the address's next event starts a new epoch.
   */
  public static final long FORGET_AFTER_MILLIS = 24 * 60 * 60 * 1000L;

  /** One address's log, the retention it was last used with, and when it was last used. */
  private static final class Entry {
    final AddressLog log;
    Retention retention;
    long touched;
    // Set, under the log's lock, when the sweep forgets the entry: an append that found it in the
    // map just before looks again instead of writing to a log nobody will read.
    boolean forgotten;

    Entry(AddressLog log) {
      this.log = log;
    }
  }

  private final ConcurrentHashMap<String, Entry> logs = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private volatile boolean closed;

  public LocalHistoryStore() {
    this(System::currentTimeMillis);
  }

  /** @param clock milliseconds since the epoch: the store's now */
  public LocalHistoryStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<Position> append(String address, String type, long ts, String dataJson, Retention retention) {
    while (true) {
      Entry entry = logs.computeIfAbsent(address, a -> new Entry(AddressLog.offHeap(Epochs.next())));
      synchronized (entry.log) {
        if (closed) {
          // Checked under the lock: close's walk of the map may have missed an entry put just now.
          entry.forgotten = true;
          entry.log.release();
          logs.remove(address, entry);
          return Future.failedFuture(new IllegalStateException("the history store is closed"));
        }
        if (!entry.forgotten) {
          long now = clock.getAsLong();
          entry.retention = retention;
          entry.touched = now;
          try {
            return Future.succeededFuture(entry.log.append(type, ts, dataJson, retention, now));
          } catch (OutOfMemoryError e) {
            // Direct memory is full (-XX:MaxDirectMemorySize): this event is refused, unpublished,
            // and the node goes on; the log is as it was.
            return Future.failedFuture(new IllegalStateException("no memory left for history", e));
          }
        }
      }
    }
  }

  @Override
  public Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention) {
    Entry entry = logs.get(address);
    if (entry == null) {
      return Future.succeededFuture(HistoryPage.EMPTY);
    }
    synchronized (entry.log) {
      long now = clock.getAsLong();
      entry.touched = now;
      return Future.succeededFuture(entry.log.read(afterSeq, limit, retention, now));
    }
  }

  /**
   * Drops what each address's retention no longer allows, and forgets the logs left with no events
   * that nobody touched for {@link #FORGET_AFTER_MILLIS}. Safe beside appends and reads; takes time
   * in proportion to the addresses, so it belongs on a worker thread.
   *
   * @return the number of logs forgotten
   */
  public int sweep() {
    long now = clock.getAsLong();
    int forgotten = 0;
    for (Map.Entry<String, Entry> each : logs.entrySet()) {
      Entry entry = each.getValue();
      synchronized (entry.log) {
        if (entry.retention != null) {
          entry.log.expire(entry.retention, now);
        }
        if (entry.log.retained() == 0 && now - entry.touched >= FORGET_AFTER_MILLIS) {
          entry.forgotten = true;
          logs.remove(each.getKey(), entry);
          forgotten++;
        }
      }
    }
    return forgotten;
  }

  /**
   * Gives back the memory of every log, for a node that is closing: its events live outside the
   * heap, so dropping the store would not free them. Appends after this fail; reads find nothing.
   */
  public void close() {
    closed = true;
    for (Map.Entry<String, Entry> each : logs.entrySet()) {
      Entry entry = each.getValue();
      synchronized (entry.log) {
        entry.forgotten = true;
        entry.log.release();
        logs.remove(each.getKey(), entry);
      }
    }
  }

  @Override
  public long ownedAddresses() {
    return logs.size();
  }
}
