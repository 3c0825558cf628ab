package io.herald.bridge.history.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.StoredEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A {@link HistoryPage} on its way back from the partition owner. */
final class PageResult implements IdentifiedDataSerializable {

  private HistoryPage page;

  PageResult(HistoryPage page) {
    this.page = page;
  }

  PageResult() {}

  HistoryPage page() {
    return page;
  }

  @Override
  public int getFactoryId() {
    return HistorySerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return HistorySerialization.PAGE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(page.epoch());
    out.writeLong(page.firstSeq());
    out.writeLong(page.lastSeq());
    out.writeInt(page.events().size());
    for (StoredEvent event : page.events()) {
      HistorySerialization.writeEvent(out, event);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    String epoch = in.readString();
    long firstSeq = in.readLong();
    long lastSeq = in.readLong();
    int count = in.readInt();
    List<StoredEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(HistorySerialization.readEvent(in));
    }
    page = new HistoryPage(epoch, firstSeq, lastSeq, events);
  }
}
