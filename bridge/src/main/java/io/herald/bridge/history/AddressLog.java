package io.herald.bridge.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.herald.bridge.history.hazelcast.HistorySerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One address's history: its epoch, the next sequence number, and the retained events, oldest
 * first. Not thread-safe: the local store locks it, and in the cluster it is only ever touched by
 * the entry processors running on the partition that owns it.
 */
public final class AddressLog implements IdentifiedDataSerializable {

  private String epoch;
  private long lastSeq;
  // Sequence numbers have no gaps, so the oldest retained event's is lastSeq - count + 1.
  private PackedEvents events;

  /** A log whose events are kept on the heap: Hazelcast's, which copies and drops logs on its own. */
  public AddressLog(String epoch) {
    this(epoch, PackedEvents.onHeap());
  }

  AddressLog(String epoch, PackedEvents events) {
    this.epoch = epoch;
    this.events = events;
  }

  /** A log whose events are kept in pooled direct memory, given back by {@link #release}. */
  static AddressLog offHeap(String epoch) {
    return new AddressLog(epoch, PackedEvents.offHeap());
  }

  /** For deserialization only. */
  public AddressLog() {}

  public String epoch() {
    return epoch;
  }

  /** Assigns the next sequence number, keeps the event and drops what the retention no longer allows. */
  public Position append(String type, long ts, String dataJson, Retention retention, long now) {
    // Kept first: where there is no memory for it, the number is not taken either (no gap).
    events.addLast(ts, type, dataJson);
    lastSeq++;
    while (events.count() > retention.size()) {
      events.removeFirst();
    }
    expire(retention, now);
    return new Position(epoch, lastSeq);
  }

  /**
   * Reads what the retention allows after {@code afterSeq}. Age drops the oldest events only, as
   * {@link #expire} does: events carry their publisher's clock, which may be behind the one before
   * it, and an event left out from the middle would be a gap that the page's first sequence number
   * does not tell.
   *
   * <p>Costs what the page holds, not what the log holds: a head read ({@code limit} 0, or nothing
   * after {@code afterSeq}), as every subscribe and gate start does, looks at the oldest event
   * only, and a page starts from a noted offset near its first event ({@link PackedEvents#at}).
   * Only events age has expired that no append has dropped yet are walked one by one.
   */
  public HistoryPage read(long afterSeq, int limit, Retention retention, long now) {
    long oldestAllowed = now - retention.maxAge().toMillis();
    int count = events.count();
    long seq = lastSeq - count + 1;
    int i = 0;
    int at = events.first();
    while (i < count && events.ts(at) < oldestAllowed) {
      i++;
      seq++;
      if (i < count) {
        at = events.next(at);
      }
    }
    long firstSeq = seq;
    if (limit <= 0 || afterSeq >= lastSeq) {
      return new HistoryPage(epoch, firstSeq, lastSeq, List.of());
    }
    if (afterSeq >= seq) {
      // Straight to the first event after afterSeq.
      i += (int) (afterSeq + 1 - seq);
      at = events.at(i);
      seq = afterSeq + 1;
    }
    List<StoredEvent> out = new ArrayList<>((int) Math.min(limit, lastSeq - seq + 1));
    for (; i < count && out.size() < limit; i++, seq++, at = i < count ? events.next(at) : at) {
      out.add(new StoredEvent(seq, events.type(at), events.ts(at), events.data(at)));
    }
    return new HistoryPage(epoch, firstSeq, lastSeq, out);
  }

  /** Events kept. */
  int retained() {
    return events.count();
  }

  /** Drops every event and gives back the memory they held: for a log its owner is done with. */
  void release() {
    events.release();
  }

  /** Drops the events older than the retention allows: on every append, and by the sweep for logs nobody touches. */
  void expire(Retention retention, long now) {
    long oldestAllowed = now - retention.maxAge().toMillis();
    while (events.count() > 0 && events.ts(events.first()) < oldestAllowed) {
      events.removeFirst();
    }
  }

  @Override
  public int getFactoryId() {
    return HistorySerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return HistorySerialization.ADDRESS_LOG;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(epoch);
    out.writeLong(lastSeq);
    out.writeInt(events.count());
    long seq = lastSeq - events.count() + 1;
    for (int i = 0, at = events.first(); i < events.count(); i++, seq++, at = events.next(at)) {
      HistorySerialization.writeEvent(out, new StoredEvent(seq, events.type(at), events.ts(at), events.data(at)));
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readString();
    lastSeq = in.readLong();
    int count = in.readInt();
    events = PackedEvents.onHeap();
    for (int i = 0; i < count; i++) {
      StoredEvent event = HistorySerialization.readEvent(in);
      events.addLast(event.ts(), event.type(), event.dataJson());
    }
  }
}
