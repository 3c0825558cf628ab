package io.herald.bridge.presence.hazelcast;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Removes an entry and returns what it held, on the partition that owns it (the backup applies the
 * same). Entry processors of one key run one after another, so when several members remove a
 * crashed member's entries at once, each entry is returned to one of them only: its
 * {@code presence.leave} is announced once.
 */
final class RemoveEntry implements EntryProcessor<String, HazelcastJsonValue, HazelcastJsonValue> {

  private static final long serialVersionUID = 1L;

  @Override
  public HazelcastJsonValue process(Map.Entry<String, HazelcastJsonValue> entry) {
    HazelcastJsonValue value = entry.getValue();
    if (value != null) {
      entry.setValue(null);
    }
    return value;
  }
}
