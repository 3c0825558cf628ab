package io.herald.verticles.support;

import com.hazelcast.config.Config;
import io.herald.bridge.support.TestCluster;
import io.herald.bridge.support.Tokens;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.metrics.MeteredVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Herald nodes on the members of a real loopback Hazelcast cluster in this JVM ({@link TestCluster}),
 * each deployed as the launcher deploys it, with port 0 and the HS256 key of {@link Tokens#SECRET}.
 */
public final class HeraldCluster implements AutoCloseable {

  /** Long enough for a member to join on a loaded two-core machine. */
  public static final long JOIN_SECONDS = 60;

  private final TestCluster cluster = new TestCluster();

  /** The settings every node of these tests runs with; {@code extra} flags come last and win. */
  public static HeraldConfig config(String... extra) {
    List<String> args = new ArrayList<>(List.of("--http-port", "0", "--ticker", "false", "--access-log", "false",
        "--webroot", "no-such-dir", "--jwt-secret", Tokens.SECRET, "--http-instances", "2", "--shutdown-timeout", "10s"));
    args.addAll(List.of(extra));
    return ConfigLoader.load(args.toArray(String[]::new), Map.of());
  }

  /** A new member running a Herald node; returns once the node serves. */
  public NodeDeployment startNode(String... extra) {
    Vertx member = member();
    return await(onLoop(member, () -> NodeDeployment.deploy(member, config(extra))));
  }

  /**
   * A new member running a Herald node as the launcher builds it (with metrics), on a Hazelcast
   * configuration derived from {@link #hazelcastConfig}.
   */
  public NodeDeployment startNode(Config hazelcast, String... extra) {
    Vertx member = await(cluster.startMember(MeteredVertx.builder(), hazelcast));
    return await(onLoop(member, () -> NodeDeployment.deploy(member, config(extra))));
  }

  /** A fresh copy of the Hazelcast configuration of this cluster's members, to add to. */
  public Config hazelcastConfig() {
    return cluster.config();
  }

  /** A new member that runs no Herald verticle: a service's node. */
  public Vertx member() {
    return member(cluster.config());
  }

  /** A new member without Herald on a configuration derived from {@link #hazelcastConfig}. */
  public Vertx member(Config hazelcast) {
    try {
      return cluster.startMember(hazelcast).await(JOIN_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a member did not join within " + JOIN_SECONDS + " s", e);
    }
  }

  /** Runs a chain on an event loop of {@code vertx} (never on the test thread, see Http.call). */
  public static <T> Future<T> onLoop(Vertx vertx, Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(JOIN_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + JOIN_SECONDS + " s", e);
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
