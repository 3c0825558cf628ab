package io.herald.verticles.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Tokens;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.metrics.MetricsEndpoint;
import io.herald.verticles.support.HeraldCluster;
import io.herald.verticles.support.Ports;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /ready}'s cluster check on a real two-member Hazelcast cluster with a quorum of two
 * ({@link ClusterManagerMembership#QUORUM}): not ready alone, ready once the peer joined, not ready
 * when a network partition cuts it off, ready again when Hazelcast merges the two sides back.
 *
 * <p>The partition is made as Hazelcast's failure detector makes it when heartbeats stop: each
 * member suspects the other ({@code ClusterServiceImpl.suspectMember}, closing the connection), so
 * each goes on as a one-member cluster. Nothing else is staged: the merge is Hazelcast's own
 * split-brain handler finding the other side through its TCP-IP join, here after 3 s rather than the
 * default 5 minutes.
 */
@Timeout(180)
class ClusterReadinessTest {

  private static final long WAIT_SECONDS = 60;

  private final String admin = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("ops").roles("admin"));
  private HeraldCluster cluster;
  private Vertx clients;
  private HttpClient http;

  @BeforeEach
  void start() {
    cluster = new HeraldCluster();
    clients = Vertx.vertx();
    http = clients.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    clients.close();
    cluster.close();
  }

  @Test
  void aNodeCutOffFromItsClusterIsNotReadyUntilItIsMergedBack() {
    int[] ports = {Ports.free(), Ports.free()};
    NodeDeployment node = cluster.startNode(config(ports[0], ports), "--http-instances", "1");
    Http.Reply alone = readyUntil(node, r -> r.status() == 503);
    assertEquals("DOWN", alone.json().getJsonObject("checks").getString("cluster"), "a quorum of two is not met alone");

    Vertx peer = cluster.member(config(ports[1], ports));
    Http.Reply joined = readyUntil(node, r -> r.status() == 200);
    assertEquals("UP", joined.json().getJsonObject("checks").getString("cluster"));
    assertEquals(2, metric(node, "herald_cluster_members"));
    assertEquals(1, metric(node, "herald_cluster_joined"));

    suspectEachOther(hazelcast(node.vertx()), hazelcast(peer));
    Http.Reply cut = readyUntil(node, r -> r.status() == 503);
    assertEquals("DOWN", cut.json().getString("status"), cut.body().toString());
    assertEquals("DOWN", cut.json().getJsonObject("checks").getString("cluster"), cut.body().toString());
    assertEquals("UP", cut.json().getJsonObject("checks").getString("http"), "the node still serves: it is only not ready");
    assertEquals(0, metric(node, "herald_cluster_joined"));

    Http.Reply merged = readyUntil(node, r -> r.status() == 200);
    assertEquals("UP", merged.json().getJsonObject("checks").getString("cluster"), merged.body().toString());
    assertEquals(2, metric(node, "herald_cluster_members"));
    assertEquals(1, metric(node, "herald_cluster_joined"));
  }

  /** The quorum that cluster.xml shows in a comment is one Hazelcast reads, under the name the cluster check looks for. */
  @Test
  void theShippedQuorumExampleIsOneHazelcastReads() throws IOException {
    String shipped = Files.readString(Path.of("..", "cluster.xml"));
    Matcher example = Pattern.compile("(<split-brain-protection .*?</split-brain-protection>)\\s*-->", Pattern.DOTALL).matcher(shipped);
    assertTrue(example.find(), "cluster.xml shows a split-brain protection example");
    Config config = new InMemoryXmlConfig(shipped.replace(example.group(0), "-->" + example.group(1)));
    SplitBrainProtectionConfig quorum = config.getSplitBrainProtectionConfigs().get(ClusterManagerMembership.QUORUM);
    assertTrue(quorum != null && quorum.isEnabled(), config.getSplitBrainProtectionConfigs().toString());
    assertEquals(2, quorum.getMinimumClusterSize());
  }

  /**
   * This test cluster's configuration with Herald's quorum at two members and a quick split-brain
   * merge, on a port of its own and with both members' ports listed: the merge looks for the other
   * side at every address it may be at, and with a range of ports that others' clusters on this
   * machine hold, the search could take minutes.
   */
  private Config config(int port, int... members) {
    Config config = cluster.hazelcastConfig();
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    var tcpIp = config.getNetworkConfig().getJoin().getTcpIpConfig().clear();
    for (int member : members) {
      tcpIp.addMember("127.0.0.1:" + member);
    }
    config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(ClusterManagerMembership.QUORUM, true, 2));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "3");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "3");
    return config;
  }

  private static HazelcastInstance hazelcast(Vertx member) {
    return ((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance();
  }

  /** What each side's failure detector concludes when no heartbeat crosses: the other is gone. */
  private static void suspectEachOther(HazelcastInstance a, HazelcastInstance b) {
    ClusterServiceImpl aView = ((HazelcastInstanceProxy) a).getOriginal().node.getClusterService();
    ClusterServiceImpl bView = ((HazelcastInstanceProxy) b).getOriginal().node.getClusterService();
    Member bInA = aView.getMember(b.getCluster().getLocalMember().getUuid());
    Member aInB = bView.getMember(a.getCluster().getLocalMember().getUuid());
    aView.suspectMember(bInA, "test: network partition", true);
    bView.suspectMember(aInB, "test: network partition", true);
  }

  private Http.Reply readyUntil(NodeDeployment node, Predicate<Http.Reply> wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Http.Reply reply = Http.get(http, node.httpPort(), "/ready");
    while (!wanted.test(reply) && System.nanoTime() < deadline) {
      sleep(100);
      reply = Http.get(http, node.httpPort(), "/ready");
    }
    if (!wanted.test(reply)) {
      throw new AssertionError("/ready did not turn as expected within " + WAIT_SECONDS + " s; last: " + reply.status() + " " + reply.body());
    }
    return reply;
  }

  private double metric(NodeDeployment node, String name) {
    Http.Reply reply = Http.call(http, HttpMethod.GET, node.httpPort(), MetricsEndpoint.PATH, null,
        MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + admin));
    assertEquals(200, reply.status());
    for (String line : reply.body().toString().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
