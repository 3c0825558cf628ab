package io.herald.bridge.presence;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence across a split-brain and its merge: a member that merges back into the cluster comes back
 * under a new member UUID, and a later crash of it must still take its connections' entries away.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PresenceMergeTest {

  private static final String ROOM = "room.merge";
  private static final long BOUND_SECONDS = 30;

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
  void theEntriesOfAMemberThatMergedBackGoWhenItCrashesLater() throws Exception {
    Vertx a = cluster.startMember().await(60, TimeUnit.SECONDS);
    Vertx b = cluster.startMember().await(60, TimeUnit.SECONDS);
    HeraldNode nodeA = HeraldNode.install(a, HistoryPolicy.NONE, PresencePolicy.parse("room.**"));
    HeraldNode.install(b, HistoryPolicy.NONE, PresencePolicy.parse("room.**"));
    BridgeServer serverB = await(BridgeServer.startNode(b, new BridgeOptions(), new AllowListRules(List.of("room.*")), Authenticator.NONE));
    clients = Vertx.vertx();
    HttpClient http = clients.createHttpClient();

    SseClient before = await(PresenceCounts.onLoop(clients, () -> SseClient.connect(http, serverB.port(), "/sse?address=" + ROOM)));
    await(before.nth(Presence.JOIN, 1));
    assertEquals(1L, countUntil(a, nodeA, n -> n == 1L));

    // A network partition: each side declares the other dead, and A removes B's entries.
    HazelcastInstance hzA = hazelcast(a);
    HazelcastInstance hzB = hazelcast(b);
    Member memberA = hzA.getCluster().getLocalMember();
    Member memberB = hzB.getCluster().getLocalMember();
    clusterService(hzA).suspectMember(other(hzA, memberB), "test: network partition", true);
    clusterService(hzB).suspectMember(other(hzB, memberA), "test: network partition", true);
    awaitTrue(() -> hzA.getCluster().getMembers().size() == 1 && hzB.getCluster().getMembers().size() == 1, "the cluster split");
    assertEquals(0L, countUntil(a, nodeA, n -> n == 0L), "A removed the entries of B, which it saw go");

    // The partition heals: B merges back into A, under a new member UUID.
    clusterService(hzB).merge(memberA.getAddress());
    awaitTrue(() -> hzA.getCluster().getMembers().size() == 2 && hzB.getCluster().getMembers().size() == 2, "the sides merged");
    assertNotEquals(memberB.getUuid(), hzB.getCluster().getLocalMember().getUuid(), "a merged member has a new UUID");

    SseClient after = await(PresenceCounts.onLoop(clients, () -> SseClient.connect(http, serverB.port(), "/sse?address=" + ROOM)));
    await(after.nth(Presence.JOIN, 1));
    long present = countUntil(a, nodeA, n -> n >= 1L);
    System.out.println("present after the merge: " + present);

    // B crashes: the survivor removes whatever B's connections had, whenever they entered.
    hzB.getLifecycleService().terminate();
    assertEquals(0L, countUntil(a, nodeA, n -> n == 0L), "no connection of the crashed member is listed");
  }

  private static HazelcastInstance hazelcast(Vertx member) {
    return ((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance();
  }

  /** The member as another member sees it (a member's own view of itself is not one it can suspect). */
  private static Member other(HazelcastInstance viewer, Member member) {
    return viewer.getCluster().getMembers().stream().filter(m -> m.getUuid().equals(member.getUuid())).findFirst().orElseThrow();
  }

  private static ClusterServiceImpl clusterService(HazelcastInstance hazelcast) {
    return ((HazelcastInstanceProxy) hazelcast).getOriginal().node.getClusterService();
  }

  private static void awaitTrue(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not so within 60 s: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static long countUntil(Vertx member, HeraldNode node, LongPredicate done) {
    return PresenceCounts.countUntil(member, node, ROOM, BOUND_SECONDS, done);
  }
}
