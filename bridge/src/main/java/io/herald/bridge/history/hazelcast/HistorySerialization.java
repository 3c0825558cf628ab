package io.herald.bridge.history.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.herald.bridge.history.AddressLog;
import io.herald.bridge.history.StoredEvent;
import java.io.IOException;

/**
 * Hazelcast's compact binary form for history: the logs, and the processors that append to and
 * read them on the partition that owns an address. Java serialization would also work, at several
 * times the bytes per call.
 */
public final class HistorySerialization implements DataSerializableFactory {

  public static final int FACTORY_ID = 0x4e52;
  public static final int ADDRESS_LOG = 1;
  static final int READ = 3;
  static final int PAGE = 4;
  // 2 was a processor of one event only: not reused, so that a member of that version refuses
  // these rather than misreading them.
  static final int APPEND = 5;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case ADDRESS_LOG -> new AddressLog();
      case READ -> new ReadProcessor();
      case PAGE -> new PageResult();
      case APPEND -> new AppendProcessor();
      default -> throw new IllegalArgumentException("unknown history type " + typeId);
    };
  }

  public static void writeEvent(ObjectDataOutput out, StoredEvent event) throws IOException {
    out.writeLong(event.seq());
    out.writeString(event.type());
    out.writeLong(event.ts());
    out.writeString(event.dataJson());
  }

  public static StoredEvent readEvent(ObjectDataInput in) throws IOException {
    return new StoredEvent(in.readLong(), in.readString(), in.readLong(), in.readString());
  }
}
