package io.herald.bridge.presence.hazelcast;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.EntryProcessor;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Gives an entry of one member its member's new UUID, on the partition that owns it (the backup
 * applies the same); an entry that is gone, or already moved, is left as it is.
 */
final class RenameMember implements EntryProcessor<String, HazelcastJsonValue, Boolean> {

  private static final long serialVersionUID = 1L;

  private final String from;
  private final String to;

  RenameMember(String from, String to) {
    this.from = from;
    this.to = to;
  }

  @Override
  public Boolean process(Map.Entry<String, HazelcastJsonValue> entry) {
    HazelcastJsonValue value = entry.getValue();
    if (value == null) {
      return false;
    }
    JsonObject json = new JsonObject(value.getValue());
    if (!from.equals(json.getString("member"))) {
      return false;
    }
    entry.setValue(new HazelcastJsonValue(json.put("member", to).encode()));
    return true;
  }
}
