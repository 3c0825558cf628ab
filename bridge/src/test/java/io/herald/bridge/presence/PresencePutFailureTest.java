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
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection whose presence entry could not be stored when it entered: it is connected and
 * subscribed, so unless the node stores the entry later, every node lists it as absent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PresencePutFailureTest {

  private static final String ROOM = "room.flakyput";

  /**
   * The presence map written through to a store whose writes fail while {@link #FAILING_STORES} is
   * above zero: Hazelcast then fails the put and stores nothing, as it does whenever a put cannot be
   * carried out (a partition unreachable, an operation timed out).
   */
  public static final class FlakyStores extends MapStoreAdapter<Object, Object> {
    static final AtomicInteger FAILING_STORES = new AtomicInteger();

    @Override
    public void store(Object key, Object value) {
      if (FAILING_STORES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("the store is unavailable");
      }
    }
  }

  private final TestCluster cluster = new TestCluster();
  private Vertx clients;

  @AfterEach
  void stop() throws Exception {
    if (clients != null) {
      clients.close().await(30, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  @Test
  void anEntryWhosePutFailedIsStoredOnceTheStoreAnswersAgain() throws Exception {
    Config config = cluster.config();
    config.getMapConfig(HazelcastPresenceStore.MAP)
        .setMapStoreConfig(new MapStoreConfig().setEnabled(true).setWriteDelaySeconds(0).setImplementation(new FlakyStores()));
    Vertx member = cluster.startMember(config).await(60, TimeUnit.SECONDS);
    HeraldNode node = HeraldNode.install(member, HistoryPolicy.NONE, PresencePolicy.parse("room.**"));
    BridgeServer server = await(BridgeServer.startNode(member, new BridgeOptions(), new AllowListRules(List.of("room.*")), Authenticator.NONE));
    clients = Vertx.vertx();
    HttpClient http = clients.createHttpClient();

    FlakyStores.FAILING_STORES.set(2);
    SseClient sse = await(onLoop(clients, () -> SseClient.connect(http, server.port(), "/sse?address=" + ROOM)));
    await(sse.connected());
    // The first puts fail; the connection is still there, so the node must store its entry once
    // the store answers again, and announce the join then.
    await(sse.nth(Presence.JOIN, 1));
    assertEquals(1L, countUntil(member, node, n -> n == 1L));
    assertEquals(0, FlakyStores.FAILING_STORES.get(), "every failing put was tried");

    await(sse.close());
    assertEquals(0L, countUntil(member, node, n -> n == 0L));
  }

  private static long countUntil(Vertx member, HeraldNode node, java.util.function.LongPredicate done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long count = await(onLoop(member, () -> node.presence().count(ROOM)));
    while (!done.test(count) && System.nanoTime() < deadline) {
      await(onLoop(member, () -> member.timer(100)));
      count = await(onLoop(member, () -> node.presence().count(ROOM)));
    }
    return count;
  }

  private static <T> Future<T> onLoop(Vertx vertx, Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }
}
