package io.herald.bridge.history.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.herald.bridge.history.AddressLog;
import io.herald.bridge.history.NewEvent;
import io.herald.bridge.history.Retention;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Assigns the next positions and stores events of one address, on the partition that owns it: one
 * round trip, and atomic, whichever node appends. A node sends one event, or the events that came
 * while its previous append was on its way. Hazelcast runs the same processor on the backup
 * replica, so everything it decides comes from its fields (the new epoch, the events' times as its
 * clock), never from where it runs: primary and backup end in the same state. Answers the last
 * event's position; the others precede it one by one, in one epoch.
 */
final class AppendProcessor implements EntryProcessor<String, AddressLog, String>, IdentifiedDataSerializable {

  private String[] types;
  private long[] timestamps;
  private String[] data;
  private int size;
  private long maxAgeMillis;
  private String epochIfNew;

  AppendProcessor(List<NewEvent> events, Retention retention, String epochIfNew) {
    int n = events.size();
    types = new String[n];
    timestamps = new long[n];
    data = new String[n];
    for (int i = 0; i < n; i++) {
      NewEvent event = events.get(i);
      types[i] = event.type();
      timestamps[i] = event.ts();
      data[i] = event.dataJson();
    }
    this.size = retention.size();
    this.maxAgeMillis = retention.maxAge().toMillis();
    this.epochIfNew = epochIfNew;
  }

  AppendProcessor() {}

  @Override
  public String process(Map.Entry<String, AddressLog> entry) {
    AddressLog log = entry.getValue();
    if (log == null) {
      log = new AddressLog(epochIfNew);
    }
    Retention retention = new Retention(size, Duration.ofMillis(maxAgeMillis));
    String last = null;
    for (int i = 0; i < types.length; i++) {
      // Each event's own time is its clock: the backup decides the same.
      last = log.append(types[i], timestamps[i], data[i], retention, timestamps[i]).toString();
    }
    // With the OBJECT in-memory format the log was changed in place; setValue tells Hazelcast so.
    entry.setValue(log);
    return last;
  }

  @Override
  public int getFactoryId() {
    return HistorySerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return HistorySerialization.APPEND;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeStringArray(types);
    out.writeLongArray(timestamps);
    out.writeStringArray(data);
    out.writeInt(size);
    out.writeLong(maxAgeMillis);
    out.writeString(epochIfNew);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    types = in.readStringArray();
    timestamps = in.readLongArray();
    data = in.readStringArray();
    size = in.readInt();
    maxAgeMillis = in.readLong();
    epochIfNew = in.readString();
  }
}
