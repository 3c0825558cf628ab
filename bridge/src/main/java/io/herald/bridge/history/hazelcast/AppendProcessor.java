package io.herald.bridge.history.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.herald.bridge.history.AddressLog;
import io.herald.bridge.history.Retention;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Assigns the next position and stores the event, on the partition that owns the address: one
 * round trip, and atomic, whichever node appends. Hazelcast runs the same processor on the backup
 * replica, so everything it decides comes from its fields (the new epoch, the clock), never from
 * where it runs: primary and backup end in the same state.
 */
final class AppendProcessor implements EntryProcessor<String, AddressLog, String>, IdentifiedDataSerializable {

  private String type;
  private long ts;
  private String dataJson;
  private int size;
  private long maxAgeMillis;
  private String epochIfNew;

  AppendProcessor(String type, long ts, String dataJson, Retention retention, String epochIfNew) {
    this.type = type;
    this.ts = ts;
    this.dataJson = dataJson;
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
    String position = log.append(type, ts, dataJson, new Retention(size, Duration.ofMillis(maxAgeMillis)), ts).toString();
    // With the OBJECT in-memory format the log was changed in place; setValue tells Hazelcast so.
    entry.setValue(log);
    return position;
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
    out.writeString(type);
    out.writeLong(ts);
    out.writeString(dataJson);
    out.writeInt(size);
    out.writeLong(maxAgeMillis);
    out.writeString(epochIfNew);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    type = in.readString();
    ts = in.readLong();
    dataJson = in.readString();
    size = in.readInt();
    maxAgeMillis = in.readLong();
    epochIfNew = in.readString();
  }
}
