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
 * A connection whose presence entry could not be removed when it left: the node is alive, so no
 * sweep of departed members ever removes the entry, and the node must remove it itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PresenceRemoveFailureTest {

  private static final String ROOM = "room.flaky";

  /**
   * The presence map written through to a store whose deletes fail while {@link #FAILING_DELETES}
   * is above zero: Hazelcast then fails the remove and keeps the entry, as it does whenever a
   * remove cannot be carried out (a partition unreachable, an operation timed out).
   */
  public static final class FlakyDeletes extends MapStoreAdapter<Object, Object> {
    static final AtomicInteger FAILING_DELETES = new AtomicInteger();

    @Override
    public void delete(Object key) {
      if (FAILING_DELETES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
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
  void anEntryWhoseRemoveFailedIsRemovedOnceTheStoreAnswersAgain() throws Exception {
    Config config = cluster.config();
    config.getMapConfig(HazelcastPresenceStore.MAP)
        .setMapStoreConfig(new MapStoreConfig().setEnabled(true).setWriteDelaySeconds(0).setImplementation(new FlakyDeletes()));
    Vertx member = cluster.startMember(config).await(60, TimeUnit.SECONDS);
    HeraldNode node = HeraldNode.install(member, HistoryPolicy.NONE, PresencePolicy.parse("room.**"));
    BridgeServer server = await(BridgeServer.startNode(member, new BridgeOptions(), new AllowListRules(List.of("room.*")), Authenticator.NONE));
    clients = Vertx.vertx();
    HttpClient http = clients.createHttpClient();

    SseClient sse = await(onLoop(clients, () -> SseClient.connect(http, server.port(), "/sse?address=" + ROOM)));
    await(sse.connected());
    assertEquals(1L, countUntil(member, node, n -> n == 1L));

    FlakyDeletes.FAILING_DELETES.set(2);
    await(sse.close());
    // The first removes fail; the member stays, so only the node that held the connection can
    // remove its entry once the store answers again.
    assertEquals(0L, countUntil(member, node, n -> n == 0L));
    assertEquals(0, FlakyDeletes.FAILING_DELETES.get(), "every failing delete was tried");
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
