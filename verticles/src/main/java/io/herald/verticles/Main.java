package io.herald.verticles;

import com.hazelcast.config.Config;
import io.herald.bridge.HeraldNode;
import io.herald.verticles.cluster.MemberLog;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.metrics.MeteredVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.File;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The launcher: {@code java -jar herald.jar [--setting value ...]}. */
public final class Main {

  static {
    // Before the logger below: the log manager is chosen when java.util.logging first starts.
    Logging.configure();
  }

  private static final Logger LOG = System.getLogger(Main.class.getName());

  /** Prints the effective configuration, secrets masked, and exits. */
  static final String PRINT_CONFIG = "--print-config";

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(ConfigLoader.usage());
      return;
    }
    if (Arrays.asList(args).contains(PRINT_CONFIG)) {
      try {
        String[] rest = Arrays.stream(args).filter(a -> !a.equals(PRINT_CONFIG)).toArray(String[]::new);
        System.out.println(ConfigLoader.effective(rest, System.getenv()).encodePrettily());
        return;
      } catch (ConfigException e) {
        System.err.println("herald: " + e.getMessage());
        System.exit(2);
        return;
      }
    }
    HeraldConfig config;
    try {
      config = ConfigLoader.load(args, System.getenv());
      if (config.jsonLogs()) {
        Logging.useJson();
      }
    } catch (ConfigException e) {
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    // The stop is in place before the start: a SIGTERM that comes while the node starts (joining its
    // cluster can take seconds) stops it once started, as gracefully as any other, rather than
    // killing a member half joined.
    Promise<NodeDeployment> starting = Promise.promise();
    ShutdownLogManager.hold();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(starting.future(), config), "herald-shutdown"));
    try {
      // Waited for on this thread: exiting from a callback would run on a Vert.x that is closing.
      try {
        start(config).onComplete(starting);
      } catch (RuntimeException e) {
        starting.fail(e);
      }
      starting.future().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigException problem) {
        System.err.println("herald: " + problem.getMessage());
        System.exit(2);
      }
      LOG.log(Level.ERROR, "start failed: " + e.getCause().getMessage(), e.getCause());
      System.exit(1);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a node: Vert.x (clustered or not), then the node's verticles. */
  public static Future<NodeDeployment> start(HeraldConfig config) {
    // The close is not waited for: its callbacks would be due on event loops that are shutting down.
    return createVertx(config).compose(vertx -> NodeDeployment.deploy(vertx, config)
        .recover(e -> {
          vertx.close();
          return Future.failedFuture(e);
        }));
  }

  /** Vert.x with Micrometer metrics, standalone or clustered: what {@code GET /metrics} serves. */
  private static Future<Vertx> createVertx(HeraldConfig config) {
    if (!config.cluster()) {
      return Future.succeededFuture(MeteredVertx.builder().build());
    }
    Config hazelcast;
    try {
      hazelcast = hazelcastConfig(config.clusterConfig());
    } catch (Exception e) {
      return Future.failedFuture(new ConfigException("cluster config " + config.clusterConfig() + ": " + e.getMessage()));
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(HeraldNode.configure(hazelcast));
    return MeteredVertx.builder().withClusterManager(manager).buildClustered()
        .onSuccess(started -> MemberLog.install(manager.getHazelcastInstance()));
  }

  /**
   * The named file when it exists, else the copy packed in the jar. Hazelcast's loaders (not its
   * config builders) apply its {@code HZ_*} environment overrides, e.g. {@code HZ_CLUSTERNAME}.
   */
  private static Config hazelcastConfig(String path) throws Exception {
    if (Files.isRegularFile(Path.of(path))) {
      return Config.loadFromFile(new File(path));
    }
    if (Main.class.getClassLoader().getResource("cluster.xml") == null) {
      throw new java.io.FileNotFoundException("no such file, and no cluster.xml in the jar");
    }
    return Config.loadFromClasspath(Main.class.getClassLoader(), "cluster.xml");
  }

  /**
   * Runs on SIGTERM: the node's graceful stop, bounded by the shutdown timeout. The JVM would end a
   * process stopped by a signal with status 143; a node that drained and left the cluster in time
   * exits 0 instead, so a supervisor can tell a clean stop from a crash, and 1 when it did not. A
   * node still starting is first let finish its start, within the same timeout.
   */
  private static void stop(Future<NodeDeployment> starting, HeraldConfig config) {
    if (starting.failed()) {
      // The start failed, and main exits with the status that says why.
      ShutdownLogManager.release();
      return;
    }
    long timeout = config.shutdownTimeout().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    LOG.log(Level.INFO, starting.isComplete() ? "shutting down (at most {0} ms)"
        : "shutting down (at most {0} ms) once the node has started", timeout);
    int status = 0;
    try {
      NodeDeployment node;
      try {
        node = starting.toCompletionStage().toCompletableFuture().get(timeout, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Failed while this waited, so after the signal: main's exit would now wait for this hook.
        LOG.log(Level.ERROR, "start failed: " + e.getCause().getMessage(), e.getCause());
        ShutdownLogManager.release();
        Runtime.getRuntime().halt(e.getCause() instanceof ConfigException ? 2 : 1);
        return;
      }
      long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      node.shutdown().toCompletionStage().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.log(Level.WARNING, "shutdown did not finish within {0} ms; exiting anyway", timeout);
      status = 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 1;
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "shutdown did not complete cleanly: " + e.getCause());
      status = 1;
    }
    ShutdownLogManager.release();
    // halt, not exit: exit from a shutdown hook blocks forever. The other hooks (java.util.logging's)
    // have nothing left to do once the handlers are released.
    Runtime.getRuntime().halt(status);
  }
}
