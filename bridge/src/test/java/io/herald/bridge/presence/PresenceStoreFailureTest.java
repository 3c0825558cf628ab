package io.herald.bridge.presence;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.map.MapStoreAdapter;
import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.presence.hazelcast.HazelcastPresenceStore;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A presence entry that could not be stored or removed when its connection entered or left. The
 * node that holds the connection is the only one that can set it right: unless it stores the entry
 * later, every node lists a connected client as absent; unless it removes it later, every node lists
 * a departed one as present for good (the node is alive, so no sweep of departed members ever does).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PresenceStoreFailureTest {

  private static final String ROOM = "room.flaky";

  /**
   * The presence map written through to a store whose writes and deletes fail while their counters
   * are above zero: Hazelcast then fails the put or remove and changes nothing, as it does whenever
   * one cannot be carried out (a partition unreachable, an operation timed out).
   */
  public static final class FlakyStore extends MapStoreAdapter<Object, Object> {
    static final AtomicInteger FAILING_STORES = new AtomicInteger();
    static final AtomicInteger FAILING_DELETES = new AtomicInteger();

    @Override
    public void store(Object key, Object value) {
      failWhileCounting(FAILING_STORES);
    }

    @Override
    public void delete(Object key) {
      failWhileCounting(FAILING_DELETES);
    }

    private static void failWhileCounting(AtomicInteger failing) {
      if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("the store is unavailable");
      }
    }
  }

  private final TestCluster cluster = new TestCluster();
  private Vertx member;
  private HeraldNode node;
  private BridgeServer server;
  private Vertx clients;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    FlakyStore.FAILING_STORES.set(0);
    FlakyStore.FAILING_DELETES.set(0);
    Config config = cluster.config();
    config.getMapConfig(HazelcastPresenceStore.MAP)
        .setMapStoreConfig(new MapStoreConfig().setEnabled(true).setWriteDelaySeconds(0).setImplementation(new FlakyStore()));
    member = cluster.startMember(config).await(60, TimeUnit.SECONDS);
    node = HeraldNode.install(member, HistoryPolicy.NONE, PresencePolicy.parse("room.**"));
    server = await(BridgeServer.startNode(member, new BridgeOptions(), new AllowListRules(List.of("room.*")), Authenticator.NONE));
    clients = Vertx.vertx();
    http = clients.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    if (clients != null) {
      clients.close().await(30, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  @Test
  void anEntryWhosePutFailedIsStoredOnceTheStoreAnswersAgain() {
    FlakyStore.FAILING_STORES.set(2);
    SseClient sse = await(PresenceCounts.onLoop(clients, () -> SseClient.connect(http, server.port(), "/sse?address=" + ROOM)));
    await(sse.connected());
    // The first puts fail; the connection is still there, so the node must store its entry once
    // the store answers again, and announce the join then.
    await(sse.nth(Presence.JOIN, 1));
    assertEquals(1L, countUntil(n -> n == 1L));
    assertEquals(0, FlakyStore.FAILING_STORES.get(), "every failing put was tried");

    await(sse.close());
    assertEquals(0L, countUntil(n -> n == 0L));
  }

  @Test
  void anEntryWhoseRemoveFailedIsRemovedOnceTheStoreAnswersAgain() {
    SseClient sse = await(PresenceCounts.onLoop(clients, () -> SseClient.connect(http, server.port(), "/sse?address=" + ROOM)));
    await(sse.connected());
    assertEquals(1L, countUntil(n -> n == 1L));

    FlakyStore.FAILING_DELETES.set(2);
    await(sse.close());
    // The first removes fail; the member stays, so only the node that held the connection can
    // remove its entry once the store answers again.
    assertEquals(0L, countUntil(n -> n == 0L));
    assertEquals(0, FlakyStore.FAILING_DELETES.get(), "every failing delete was tried");
  }

  private long countUntil(LongPredicate done) {
    return PresenceCounts.countUntil(member, node, ROOM, 20, done);
  }
}
