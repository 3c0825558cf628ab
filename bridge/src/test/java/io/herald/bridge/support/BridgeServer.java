package io.herald.bridge.support;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.HeraldBridge;
import io.herald.bridge.address.AddressRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.error.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A real HTTP server on a free loopback port with a bridge mounted, as an embedding application
 * would run it. Tests read the bridge's stats on its own event loop through {@link #stats()}.
 *
 * <p>A server started with {@link #startNode} is a node of a cluster: its bridge knows the node's
 * address ({@code 127.0.0.1:<port>}), so SockJS sessions can be used from any node.
 */
public final class BridgeServer extends VerticleBase {

  private final BridgeOptions options;
  private final AddressRules rules;
  private final Authenticator authenticator;
  private final boolean advertised;
  private HeraldBridge bridge;
  private HttpServer server;
  private Router router;
  private int openConnections;

  public BridgeServer(BridgeOptions options, AddressRules rules) {
    this(options, rules, Authenticator.NONE);
  }

  public BridgeServer(BridgeOptions options, AddressRules rules, Authenticator authenticator) {
    this(options, rules, authenticator, false);
  }

  private BridgeServer(BridgeOptions options, AddressRules rules, Authenticator authenticator, boolean advertised) {
    this.options = options;
    this.rules = rules;
    this.authenticator = authenticator;
    this.advertised = advertised;
  }

  /** Deploys a server and completes with it once it listens. */
  public static Future<BridgeServer> start(Vertx vertx, BridgeOptions options, AddressRules rules) {
    return start(vertx, options, rules, Authenticator.NONE);
  }

  /** A server whose clients authenticate with the given authenticator (a real JWT one in security tests). */
  public static Future<BridgeServer> start(Vertx vertx, BridgeOptions options, AddressRules rules, Authenticator authenticator) {
    BridgeServer server = new BridgeServer(options, rules, authenticator);
    return vertx.deployVerticle(server).map(id -> server);
  }

  /**
   * A server that is a node of a cluster (deploy it on a member's Vert.x): its bridge's node address
   * is {@code 127.0.0.1:<the port it listens on>}.
   */
  public static Future<BridgeServer> startNode(Vertx member, BridgeOptions options, AddressRules rules, Authenticator authenticator) {
    BridgeServer server = new BridgeServer(options, rules, authenticator, true);
    return member.deployVerticle(server).map(id -> server);
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    // 400: the router's own, for a path it cannot decode (a bad percent escape).
    router.errorHandler(400, HttpErrors::onBadRequest);
    router.errorHandler(404, HttpErrors::onFailure);
    router.errorHandler(405, HttpErrors::onFailure);
    router.errorHandler(500, HttpErrors::onFailure);
    HttpServerOptions http = new HttpServerOptions()
        .setHost("127.0.0.1")
        .setPort(0)
        .setMaxWebSocketFrameSize(options.getMaxFrameSize())
        .setMaxWebSocketMessageSize(options.getMaxFrameSize());
    return vertx.createHttpServer(http)
        .connectionHandler(connection -> {
          openConnections++;
          // The Netty channel's close, not the HttpConnection's close handler: Vert.x never calls that
          // one for a connection that was upgraded to a WebSocket.
          if (connection instanceof ConnectionBase base) {
            base.channel().closeFuture().addListener(f -> context.runOnContext(v -> openConnections--));
          } else {
            connection.closeHandler(v -> openConnections--);
          }
        })
        .requestHandler(router)
        .listen()
        .onSuccess(s -> {
          // The bridge is made once the port is known, since a node's address holds it; nobody can
          // send a request before start() completes and tells the port.
          server = s;
          BridgeOptions effective = advertised ? new BridgeOptions(options).setNodeAddress(nodeAddress()) : options;
          bridge = HeraldBridge.create(vertx, effective, rules, authenticator);
          bridge.mount(router);
        });
  }

  @Override
  public Future<?> stop() {
    return bridge.close();
  }

  /**
   * Drains the bridge and leaves the server running, as a node does while its other instances drain
   * too: requests keep arriving until the servers close.
   */
  public Future<Void> drain(Duration grace) {
    return onContext(() -> bridge.drain(grace)).compose(drained -> drained);
  }

  /** Undeploys the server, as an application shutting down would: the bridge closes its connections. */
  public Future<Void> undeploy() {
    return vertx.undeploy(context.deploymentID());
  }

  /** The server's router, for a test that puts a handler of its own before the bridge's (with {@code order(-1)}). */
  public Router router() {
    return router;
  }

  public int port() {
    return server.actualPort();
  }

  /** The address other nodes reach this one at, {@code 127.0.0.1:<port>}. */
  public String nodeAddress() {
    return "127.0.0.1:" + port();
  }

  /** The bridge's stats, read on the bridge's own event loop. */
  public Future<BridgeStats> stats() {
    return onContext(() -> bridge.stats());
  }

  /** TCP connections the server has open (an HTTP/2 connection counts once, however many streams). */
  public Future<Integer> openConnections() {
    return onContext(() -> openConnections);
  }

  private <T> Future<T> onContext(Supplier<T> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> result.complete(action.get()));
    return result.future();
  }
}
