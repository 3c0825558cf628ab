package io.herald.bridge.history.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.herald.bridge.history.AddressLog;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.Retention;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Reads a page of one address's history where it lives, sending back only the page. */
final class ReadProcessor implements EntryProcessor<String, AddressLog, PageResult>, ReadOnly, IdentifiedDataSerializable {

  private long afterSeq;
  private int limit;
  private int size;
  private long maxAgeMillis;
  private long now;

  ReadProcessor(long afterSeq, int limit, Retention retention, long now) {
    this.afterSeq = afterSeq;
    this.limit = limit;
    this.size = retention.size();
    this.maxAgeMillis = retention.maxAge().toMillis();
    this.now = now;
  }

  ReadProcessor() {}

  @Override
  public PageResult process(Map.Entry<String, AddressLog> entry) {
    AddressLog log = entry.getValue();
    HistoryPage page = log == null
        ? HistoryPage.EMPTY
        : log.read(afterSeq, limit, new Retention(size, Duration.ofMillis(maxAgeMillis)), now);
    return new PageResult(page);
  }

  @Override
  public EntryProcessor<String, AddressLog, PageResult> getBackupProcessor() {
    return null;
  }

  @Override
  public int getFactoryId() {
    return HistorySerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return HistorySerialization.READ;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(afterSeq);
    out.writeInt(limit);
    out.writeInt(size);
    out.writeLong(maxAgeMillis);
    out.writeLong(now);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    afterSeq = in.readLong();
    limit = in.readInt();
    size = in.readInt();
    maxAgeMillis = in.readLong();
    now = in.readLong();
  }
}
