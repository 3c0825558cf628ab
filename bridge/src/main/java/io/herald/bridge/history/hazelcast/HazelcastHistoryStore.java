package io.herald.bridge.history.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.herald.bridge.history.AddressLog;
import io.herald.bridge.history.Epochs;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.HistoryStore;
import io.herald.bridge.history.NewEvent;
import io.herald.bridge.history.Position;
import io.herald.bridge.history.Retention;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * History in a Hazelcast map, one entry per address, so it lives on the member that owns the
 * address's partition with a synchronous backup on another: losing any one member loses nothing.
 * Appends and reads are entry processors, each one round trip to the owner (see docs/DESIGN.md).
 */
public final class HazelcastHistoryStore implements HistoryStore {

  public static final String MAP = "herald.history";
  /** An address nobody published to or read for a day is dropped; its next event starts a new epoch. */
  static final int DEFAULT_MAX_IDLE_SECONDS = 24 * 3600;

  private final Vertx vertx;
  private final IMap<String, AddressLog> logs;

  public HazelcastHistoryStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.logs = hazelcast.getMap(MAP);
  }

  /**
   * Prepares a member's configuration: registers history's serializers, and unless the
   * configuration already defines the history map, defines it with one synchronous backup and the
   * OBJECT format (entry processors then change a log in place instead of decoding and re-encoding
   * it on every append). Call before the member starts.
   */
  public static Config configure(Config config) {
    config.getSerializationConfig().addDataSerializableFactory(HistorySerialization.FACTORY_ID, new HistorySerialization());
    if (config.getMapConfigOrNull(MAP) == null) {
      config.addMapConfig(new MapConfig(MAP)
          .setBackupCount(1)
          .setInMemoryFormat(InMemoryFormat.OBJECT)
          .setMaxIdleSeconds(DEFAULT_MAX_IDLE_SECONDS));
    }
    return config;
  }

  @Override
  public Future<Position> append(String address, String type, long ts, String dataJson, Retention retention) {
    var stage = logs.submitToKey(address, new AppendProcessor(List.of(new NewEvent(type, ts, dataJson)), retention, Epochs.next()));
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext()).map(Position::parse);
  }

  @Override
  public Future<List<Position>> appendAll(String address, List<NewEvent> events, Retention retention) {
    var stage = logs.submitToKey(address, new AppendProcessor(events, retention, Epochs.next()));
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext()).map(last -> Position.parse(last).runEndingHere(events.size()));
  }

  @Override
  public Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention) {
    var stage = logs.submitToKey(address, new ReadProcessor(afterSeq, limit, retention, System.currentTimeMillis()));
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext()).map(PageResult::page);
  }

  /** The member's own statistics: no call to other members. */
  @Override
  public long ownedAddresses() {
    return logs.getLocalMapStats().getOwnedEntryCount();
  }
}
