package io.herald.verticles;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldBridge;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.error.HttpErrors;
import io.herald.verticles.cluster.ClusterView;
import io.herald.verticles.cluster.NodeConnections;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.config.Setting;
import io.herald.verticles.http.AccessLog;
import io.herald.verticles.http.DevTokenApi;
import io.herald.verticles.metrics.MetricsEndpoint;
import io.herald.verticles.node.DrainGate;
import io.herald.verticles.node.NodeDrain;
import io.herald.verticles.node.NodeServices;
import io.herald.verticles.ready.EventLoops;
import io.herald.verticles.ready.Readiness;
import io.herald.verticles.security.AdminAccess;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves clients: the bridge's transports and publish API, the browser pages, the probes, the
 * metrics and the cluster view. Each instance owns its bridge and therefore its connections;
 * instances share the port. Each beats a heartbeat on its event loop, which {@code /health} reads.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = System.getLogger(HttpVerticle.class.getName());
  public static final String CLUSTER_PATH = "/api/cluster";

  private final NodeServices node;
  private final HeraldConfig config;
  private HeraldBridge bridge;
  private HttpServer server;
  private EventLoops.Heartbeat heartbeat;

  public HttpVerticle(NodeServices node) {
    this.node = node;
    this.config = node.config();
  }

  @Override
  public Future<?> start() {
    heartbeat = node.eventLoops().watch(vertx);
    Router router = Router.router(vertx);
    // Strict thread mode: every write to a connection happens on this instance's event loop (the
    // bridge's design), so Vert.x can skip the cross-thread write queue it otherwise gives each
    // connection: a 4 KB array per idle connection (W2 in bench/).
    HttpServerOptions options = new HttpServerOptions()
        .setStrictThreadMode(true)
        .setHost(config.httpHost())
        .setPort(node.listenPort())
        .setMaxWebSocketFrameSize(config.bridge().getMaxFrameSize())
        .setMaxWebSocketMessageSize(config.bridge().getMaxFrameSize())
        // No WebSocket compression (as in Centrifugo and ASP.NET Core unless asked for): the bridge
        // writes each event as one uncompressed frame built once for all its subscribers, so
        // permessage-deflate would only make browsers deflate their small commands and the node keep
        // an inflater for each socket, and it puts an extension handler in every HTTP connection.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    HttpServer http = vertx.createHttpServer(options).requestHandler(router);
    // Returning listen's future makes a taken port fail the deployment rather than log and carry on.
    if (!config.cluster() || config.httpPort() != 0) {
      addRoutes(router, config.nodeAddress(config.httpPort()));
      return http.listen().recover(this::cannotListen).onSuccess(this::listening);
    }
    // A clustered node on a port the system picks: its address holds that port, known once it
    // listens; until it logs the port, nobody knows where to send a request.
    return http.listen().recover(this::cannotListen).onSuccess(s -> {
      addRoutes(router, config.nodeAddress(s.actualPort()));
      listening(s);
    });
  }

  private void addRoutes(Router router, String nodeAddress) {
    // In a cluster, the bridge forwards SockJS requests for sessions held by other nodes to them.
    BridgeOptions options = new BridgeOptions(config.bridge()).setNodeAddress(nodeAddress);
    bridge = HeraldBridge.create(vertx, options, node.security().rules(), node.security().authenticator());
    NodeConnections.answerWith(vertx, node.membership().nodeId(), bridge::stats);
    NodeDrain.answerWith(vertx, node.membership().nodeId(), this::drain);
    if (config.accessLog()) {
      router.route().handler(new AccessLog());
    }
    router.route().handler(new DrainGate(node.state(), vertx));
    router.get(Readiness.HEALTH_PATH).handler(node.liveness());
    router.get(Readiness.PATH).handler(node.readiness());
    ClusterView cluster = new ClusterView(vertx, node.membership());
    AdminAccess admin = new AdminAccess(node.security(), HeraldNode.of(vertx).metrics());
    router.get(MetricsEndpoint.PATH).handler(admin).handler(new MetricsEndpoint(HeraldNode.of(vertx).metrics().registry()));
    router.get(CLUSTER_PATH).handler(admin)
        .handler(rc -> cluster.members().onSuccess(members -> rc.response()
            .putHeader("content-type", "application/json")
            .putHeader("cache-control", "no-store")
            .end(members.encode())));
    if (node.security().devSigner() != null) {
      router.get(DevTokenApi.PATH).handler(new DevTokenApi(node.security().devSigner()));
    }
    bridge.mount(router);
    router.get("/ops").handler(rc -> rc.reroute("/ops.html"));
    List<String> paths = new ArrayList<>(List.of(Readiness.HEALTH_PATH, Readiness.PATH, MetricsEndpoint.PATH, CLUSTER_PATH, "/ops"));
    if (node.security().devSigner() != null) {
      paths.add(DevTokenApi.PATH);
    }
    HeraldBridge.refuseOtherMethods(router, paths);
    router.get("/*").handler(staticPages());
    router.route().last().handler(rc -> rc.fail(404));
    // 400: the router's own, for a path it cannot decode (a bad percent escape).
    router.errorHandler(400, HttpErrors::onBadRequest);
    router.errorHandler(404, HttpErrors::onFailure);
    router.errorHandler(405, HttpErrors::onFailure);
    router.errorHandler(500, HttpErrors::onFailure);
  }

  /**
   * A port another process holds, or a host that is not this machine's: settings to change, said as
   * such (the launcher exits with status 2) rather than as the socket layer's bind failure.
   */
  private Future<HttpServer> cannotListen(Throwable failure) {
    return Future.failedFuture(new ConfigException(Setting.HTTP_HOST.flag() + " / " + Setting.HTTP_PORT.flag()
        + ": cannot listen on " + config.listenAddress() + " (" + failure.getMessage() + ")"));
  }

  private void listening(HttpServer s) {
    server = s;
    LOG.log(Level.INFO, "listening on {0}:{1,number,#}", config.httpHost(), s.actualPort());
  }

  /**
   * The graceful half of a node's stop, in this order: every client is told to reconnect elsewhere
   * while the server still runs to carry the farewells, the bridge waits for them to go out, and
   * only then does the server close, once its open connections finished. A node's stop drains every
   * instance's bridge ({@link NodeDrain}) before undeploying any, so here the bridge has usually
   * drained already. The waits share one grace, counted from when the node began draining, so the
   * rest of the shutdown timeout is left for leaving the cluster. Vert.x would otherwise close the
   * server right after this returns, cutting the farewells short.
   */
  @Override
  public Future<?> stop() {
    // A loop that no longer serves must not fail the liveness probe while the others finish.
    node.eventLoops().unwatch(vertx, heartbeat);
    if (bridge == null) {
      return Future.succeededFuture();
    }
    long deadline = System.nanoTime() + node.state().drainLeft(config.drainGrace()).toNanos();
    return drain().eventually(() -> {
      long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      return server == null ? Future.succeededFuture() : server.shutdown(left, TimeUnit.MILLISECONDS);
    });
  }

  /** Tells this instance's clients to reconnect elsewhere; waits for their farewells within the node's grace. */
  private Future<Void> drain() {
    return bridge.drain(node.state().drainLeft(config.drainGrace()));
  }

  /** The port this instance listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * Pages from the configured directory when it exists (edit and reload while developing), else the
   * copy packed into the jar under {@code webroot/}.
   */
  private StaticHandler staticPages() {
    Path dir = Path.of(config.webroot());
    if (Files.isDirectory(dir)) {
      return StaticHandler.create(io.vertx.ext.web.handler.FileSystemAccess.ROOT, dir.toAbsolutePath().toString())
          .setCachingEnabled(false);
    }
    return StaticHandler.create("webroot");
  }
}
