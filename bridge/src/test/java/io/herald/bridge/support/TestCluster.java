package io.herald.bridge.support;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.herald.bridge.HeraldNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Real Hazelcast members on loopback, each under its own clustered Vert.x, in this JVM.
 *
 * <p>Every cluster gets a fresh name, so test classes running side by side never join each other's
 * members, and joins without Hazelcast's default waits so a three-member cluster forms in seconds.
 */
public final class TestCluster implements AutoCloseable {

  private final String name = "herald-test-" + UUID.randomUUID();
  private final List<Vertx> members = new ArrayList<>();

  /** The Hazelcast configuration members of this cluster use; tests may add to it before starting a member. */
  public Config config() {
    Config config = new Config();
    config.setClusterName(name);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    // A member that dies is declared gone after a few seconds rather than the default minute.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.getNetworkConfig().setPort(5701).setPortAutoIncrement(true).setPortCount(30);
    // A joining member looks for the others on every port of the range, not only the first three
    // (Hazelcast's default): other clusters on this machine may hold those, and members of this
    // one then sit above them and would each form a cluster of their own.
    config.setProperty("hazelcast.tcp.join.port.try.count", "30");
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    return HeraldNode.configure(config);
  }

  /** Starts one more member and completes once it has joined. */
  public Future<Vertx> startMember() {
    return startMember(config());
  }

  public Future<Vertx> startMember(Config config) {
    return startMember(Vertx.builder(), config);
  }

  /** A member built from a builder of the test's (with metrics, say), with this cluster's configuration or one derived from it. */
  public Future<Vertx> startMember(VertxBuilder builder, Config config) {
    return builder
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered()
        .onSuccess(vertx -> {
          synchronized (members) {
            members.add(vertx);
          }
        });
  }

  /** Stops a member the polite way: it leaves the cluster and its partitions migrate. */
  public Future<Void> stopMember(Vertx member) {
    synchronized (members) {
      members.remove(member);
    }
    return member.close();
  }

  @Override
  public void close() throws Exception {
    List<Vertx> running;
    synchronized (members) {
      running = new ArrayList<>(members);
      members.clear();
    }
    Future.join(running.stream().map(Vertx::close).toList())
        .toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}
