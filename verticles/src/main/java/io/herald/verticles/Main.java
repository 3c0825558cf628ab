package io.herald.verticles;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.history.hazelcast.HazelcastHistoryStore;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.security.NodeSecurity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The launcher: {@code java -jar herald.jar [--setting value ...]}. */
public final class Main {

  private static final Logger LOG = System.getLogger(Main.class.getName());

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(ConfigLoader.usage());
      return;
    }
    Logging.configure();
    HeraldConfig config;
    try {
      config = ConfigLoader.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx;
    try {
      // Waited for on this thread: exiting from a callback would run on a Vert.x that is closing.
      vertx = start(config).toCompletionStage().toCompletableFuture().get();
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
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx), "herald-shutdown"));
  }

  /** Starts a node: Vert.x (clustered or not), then the HTTP verticle instances and the ticker. */
  public static Future<Vertx> start(HeraldConfig config) {
    return createVertx(config).compose(vertx -> deploy(vertx, config)
        .map(vertx)
        .recover(e -> {
          vertx.close();
          return Future.failedFuture(e);
        }));
  }

  private static Future<Vertx> createVertx(HeraldConfig config) {
    if (!config.cluster()) {
      return Future.succeededFuture(Vertx.vertx());
    }
    Config hazelcast;
    try {
      hazelcast = hazelcastConfig(config.clusterConfig());
    } catch (Exception e) {
      return Future.failedFuture(new ConfigException("cluster config " + config.clusterConfig() + ": " + e.getMessage()));
    }
    return Vertx.builder().withClusterManager(new HazelcastClusterManager(HazelcastHistoryStore.configure(hazelcast))).buildClustered();
  }

  private static Future<String> deploy(Vertx vertx, HeraldConfig config) {
    // Before any verticle: every publish of the node, a plain bus publish included, goes through it.
    HeraldNode.install(vertx, config.history());
    // Key and rules files are read on a worker: a clustered start completes on an event loop.
    Future<String> http = vertx.executeBlocking(() -> NodeSecurity.load(vertx, config))
        .compose(security -> vertx.deployVerticle(() -> new HttpVerticle(config, security),
            new DeploymentOptions().setInstances(config.httpInstances())));
    if (!config.ticker()) {
      return http;
    }
    return http.compose(id -> vertx.deployVerticle(new TickerVerticle()));
  }

  /** The named file when it exists, else the copy packed in the jar. */
  private static Config hazelcastConfig(String path) throws Exception {
    if (Files.isRegularFile(Path.of(path))) {
      return new FileSystemXmlConfig(path);
    }
    try (InputStream packed = Main.class.getClassLoader().getResourceAsStream("cluster.xml")) {
      if (packed == null) {
        throw new FileNotFoundException("no such file, and no cluster.xml in the jar");
      }
      return new XmlConfigBuilder(packed).build();
    }
  }

  private static void stop(Vertx vertx) {
    LOG.log(Level.INFO, "shutting down");
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "shutdown did not complete cleanly: " + e);
    }
  }
}
