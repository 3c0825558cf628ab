package io.herald.bridge.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.presence.hazelcast.HazelcastPresenceStore;
import io.herald.bridge.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The store contract on a real (one-member) Hazelcast cluster, with the map as {@link HeraldNode#configure} defines it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazelcastPresenceStoreTest extends PresenceStoreContract {

  private final TestCluster cluster = new TestCluster();
  private Vertx member;
  private HazelcastInstance hazelcast;
  private HazelcastPresenceStore store;

  @BeforeAll
  void start() throws Exception {
    member = cluster.startMember().await(60, TimeUnit.SECONDS);
    hazelcast = ((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance();
    store = new HazelcastPresenceStore(member, hazelcast);
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  @Override
  protected PresenceStore store() {
    return store;
  }

  @Override
  protected <T> Future<T> call(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    member.getOrCreateContext().runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  /** Listing and counting an address read its entries through the index, not by scanning the map. */
  @Test
  void listingAndCountingUseTheAddressIndex() throws Exception {
    String room = "room.indexed";
    call(() -> store.put(new PresenceEntry(room, "u", "c1", "n", "m", "sse", 1))).await(20, TimeUnit.SECONDS);
    long before = addressIndexQueries();
    assertEquals(1L, call(() -> store.count(room)).await(20, TimeUnit.SECONDS));
    assertEquals(1, call(() -> store.list(room)).await(20, TimeUnit.SECONDS).size());
    assertTrue(addressIndexQueries() >= before + 2, "the address index answered both queries");
  }

  private long addressIndexQueries() {
    var stats = hazelcast.getMap(HazelcastPresenceStore.MAP).getLocalMapStats().getIndexStats();
    return stats.entrySet().stream().filter(e -> e.getKey().contains("address")).mapToLong(e -> e.getValue().getQueryCount()).sum();
  }
}
