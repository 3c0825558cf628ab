package io.herald.verticles;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldBridge;
import io.herald.bridge.error.HttpErrors;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.http.AccessLog;
import io.herald.verticles.http.DevTokenApi;
import io.herald.verticles.security.NodeSecurity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves clients: the bridge's transports and publish API, the browser pages, and the health probe.
 * Each instance owns its bridge and therefore its connections; instances share the port.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = System.getLogger(HttpVerticle.class.getName());

  private final HeraldConfig config;
  private final NodeSecurity security;
  private HeraldBridge bridge;
  private HttpServer server;

  public HttpVerticle(HeraldConfig config, NodeSecurity security) {
    this.config = config;
    this.security = security;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        .setMaxWebSocketFrameSize(config.bridge().getMaxFrameSize())
        .setMaxWebSocketMessageSize(config.bridge().getMaxFrameSize());
    HttpServer http = vertx.createHttpServer(options).requestHandler(router);
    // Returning listen's future makes a taken port fail the deployment rather than log and carry on.
    if (!config.cluster() || config.httpPort() != 0) {
      addRoutes(router, config.nodeAddress(config.httpPort()));
      return http.listen().onSuccess(this::listening);
    }
    // A clustered node on a port the system picks: its address holds that port, known once it
    // listens; until it logs the port, nobody knows where to send a request.
    return http.listen().onSuccess(s -> {
      addRoutes(router, config.nodeAddress(s.actualPort()));
      listening(s);
    });
  }

  private void addRoutes(Router router, String nodeAddress) {
    // In a cluster, the bridge forwards SockJS requests for sessions held by other nodes to them.
    BridgeOptions options = new BridgeOptions(config.bridge()).setNodeAddress(nodeAddress);
    bridge = HeraldBridge.create(vertx, options, security.rules(), security.authenticator());
    if (config.accessLog()) {
      router.route().handler(new AccessLog());
    }
    router.get("/health").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
    if (security.devSigner() != null) {
      router.get(DevTokenApi.PATH).handler(new DevTokenApi(security.devSigner()));
    }
    bridge.mount(router);
    router.get("/*").handler(staticPages());
    router.route().last().handler(rc -> rc.fail(404));
    // 400: the router's own, for a path it cannot decode (a bad percent escape).
    router.errorHandler(400, HttpErrors::onBadRequest);
    router.errorHandler(404, HttpErrors::onFailure);
    router.errorHandler(405, HttpErrors::onFailure);
    router.errorHandler(500, HttpErrors::onFailure);
  }

  private void listening(HttpServer s) {
    server = s;
    LOG.log(Level.INFO, "listening on {0}:{1,number,#}", config.httpHost(), s.actualPort());
  }

  @Override
  public Future<?> stop() {
    return bridge.close();
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
