package io.herald.bridge.presence.hazelcast;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.config.Config;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.herald.bridge.presence.PresenceEntry;
import io.herald.bridge.presence.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Presence in a Hazelcast map, {@code <address>|<connection>} to the entry as JSON, indexed on
 * {@code address} (listing and counting one address reads only its entries) and on {@code member}
 * (a crashed member's entries are found without a scan). One synchronous backup, so losing a member
 * loses no other member's entries.
 *
 * <p>Entering and leaving are single-key asynchronous operations; listing, counting and removing a
 * member's entries are predicate queries, which Hazelcast only offers blocking, so they run on a
 * worker thread, never on an event loop.
 */
public final class HazelcastPresenceStore implements PresenceStore {

  public static final String MAP = "herald.presence";

  private final Vertx vertx;
  private final IMap<String, HazelcastJsonValue> entries;

  public HazelcastPresenceStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.entries = hazelcast.getMap(MAP);
  }

  /**
   * Defines the presence map, unless the configuration already does: one backup, a hash index on
   * {@code address} and one on {@code member}. Call before the member starts.
   */
  public static Config configure(Config config) {
    if (config.getMapConfigOrNull(MAP) == null) {
      config.addMapConfig(new MapConfig(MAP)
          .setBackupCount(1)
          .addIndexConfig(new IndexConfig(IndexType.HASH, "address"))
          .addIndexConfig(new IndexConfig(IndexType.HASH, "member")));
    }
    return config;
  }

  @Override
  public Future<Void> put(PresenceEntry entry) {
    try {
      var stage = entries.setAsync(entry.key(), new HazelcastJsonValue(entry.toJson().encode()));
      return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    } catch (RuntimeException e) {
      // thrown rather than returned when the member is no longer running
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<PresenceEntry> remove(String address, String connection) {
    try {
      var stage = entries.removeAsync(PresenceEntry.key(address, connection));
      return Future.fromCompletionStage(stage, vertx.getOrCreateContext()).map(HazelcastPresenceStore::decode);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<List<PresenceEntry>> list(String address) {
    Predicate<String, HazelcastJsonValue> at = Predicates.equal("address", address);
    return vertx.executeBlocking(() -> {
      List<PresenceEntry> out = new ArrayList<>();
      for (HazelcastJsonValue value : entries.values(at)) {
        out.add(decode(value));
      }
      out.sort(Comparator.comparingLong(PresenceEntry::since).thenComparing(PresenceEntry::connection));
      return out;
    }, false);
  }

  @Override
  public Future<Long> count(String address) {
    Predicate<String, HazelcastJsonValue> at = Predicates.equal("address", address);
    return vertx.executeBlocking(() -> entries.aggregate(Aggregators.count(), at), false);
  }

  @Override
  public Future<List<PresenceEntry>> removeMembers(Collection<String> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Predicate<String, HazelcastJsonValue> theirs = Predicates.in("member", members.toArray(String[]::new));
    return vertx.executeBlocking(() -> {
      List<PresenceEntry> out = new ArrayList<>();
      for (HazelcastJsonValue value : entries.executeOnEntries(new RemoveEntry(), theirs).values()) {
        if (value != null) {
          out.add(decode(value));
        }
      }
      return out;
    }, false);
  }

  @Override
  public Future<Integer> renameMember(String from, String to) {
    Predicate<String, HazelcastJsonValue> theirs = Predicates.equal("member", from);
    return vertx.executeBlocking(
        () -> (int) entries.executeOnEntries(new RenameMember(from, to), theirs).values().stream().filter(Boolean.TRUE::equals).count(), false);
  }

  private static PresenceEntry decode(HazelcastJsonValue value) {
    return value == null ? null : PresenceEntry.fromJson(new JsonObject(value.getValue()));
  }
}
