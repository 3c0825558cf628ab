package io.herald.bridge;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.fanout.SubscriptionHub;
import io.herald.bridge.group.GroupsApi;
import io.herald.bridge.history.HistoryApi;
import io.herald.bridge.presence.PresenceApi;
import io.herald.bridge.publish.PublishApi;
import io.herald.bridge.publish.Publisher;
import io.herald.bridge.publish.SendApi;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.ConnectionRegistry;
import io.herald.bridge.transport.QueryCheck;
import io.herald.bridge.transport.RequestBodies;
import io.herald.bridge.transport.sockjs.SockJsTransport;
import io.herald.bridge.transport.sse.SseTransport;
import io.herald.bridge.transport.websocket.WebSocketTransport;
import io.herald.bridge.auth.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Bridges event-bus addresses to SSE, WebSocket and SockJS clients and takes publishes over HTTP.
 *
 * <p>Embed it in any verticle: create it in {@code start()}, {@link #mount} it on the verticle's
 * router, and {@link #close} it in {@code stop()}. A bridge is confined to the event loop of the
 * verticle that created it (no locks anywhere); to use more cores, deploy more verticle instances,
 * each with its own bridge.
 */
public final class HeraldBridge {

  /** How long {@link #close()} waits at most for clients to take their farewell. */
  public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofSeconds(5);

  private static final Duration TICK = Duration.ofSeconds(1);

  private final BridgeRuntime runtime;
  private final SockJsTransport sockJs;
  private final long heartbeatTimer;
  /** Set by the first drain: a bridge drains once, and later calls wait for that one. */
  private Future<Void> drained;

  private HeraldBridge(BridgeRuntime runtime) {
    this.runtime = runtime;
    this.sockJs = new SockJsTransport(runtime);
    Vertx vertx = runtime.vertx();
    // One timer for all connections, not one per connection: every second (token expiry), or at the
    // heartbeat interval when that is shorter.
    long period = Math.min(TICK.toMillis(), runtime.options().getHeartbeatInterval().toMillis());
    this.heartbeatTimer = vertx.setPeriodic(period, id -> runtime.connections().tick(System.currentTimeMillis()));
  }

  /** A bridge that accepts no token: only what the rules grant to anonymous clients is possible. */
  public static HeraldBridge create(Vertx vertx, BridgeOptions options, AddressRules rules) {
    return create(vertx, options, rules, Authenticator.NONE);
  }

  /**
   * @param rules who may do what on which address
   * @param authenticator turns the tokens clients present into identities
   */
  public static HeraldBridge create(Vertx vertx, BridgeOptions options, AddressRules rules, Authenticator authenticator) {
    BridgeOptions copy = new BridgeOptions(options);
    HeraldNode node = HeraldNode.of(vertx);
    // Refused tokens, and refusals for want of one, are counted by reason wherever a transport asks.
    AddressRules counted = node.metrics().counting(rules);
    Authenticator counting = node.metrics().counting(authenticator);
    SubscriptionHub hub = new SubscriptionHub(vertx, new EventIds(), node.history(), node.metrics());
    ConnectionRegistry connections = new ConnectionRegistry(node.connectionIds());
    Publisher publisher = new Publisher(node, counted);
    return new HeraldBridge(new BridgeRuntime(vertx, copy, counted, counting, hub, connections, publisher, node.history(), node));
  }

  /**
   * Adds {@code /sse}, {@code /ws}, {@code /eventbus/*}, {@code POST /api/publish},
   * {@code GET /api/history}, {@code GET /api/presence} and
   * {@code PUT|DELETE /api/groups/<g>/connections/<id>} to the router.
   */
  public HeraldBridge mount(Router router) {
    // Publish and send first: they are the requests that come by the thousand per second, and the
    // router tries routes in order.
    router.post(PublishApi.PATH)
        .handler(QueryCheck.INSTANCE)
        .handler(RequestBodies.AS_JSON)
        .handler(RequestBodies.bounded(runtime.options()))
        .handler(new PublishApi(runtime))
        .failureHandler(HttpErrors::onFailure);
    router.post(SendApi.PATH)
        .handler(QueryCheck.INSTANCE)
        .handler(RequestBodies.AS_JSON)
        .handler(RequestBodies.bounded(runtime.options()))
        .handler(new SendApi(runtime))
        .failureHandler(HttpErrors::onFailure);
    Set<String> transports = runtime.options().getTransports();
    if (transports.contains("sse")) {
      router.get(SseTransport.PATH).handler(new SseTransport(runtime));
    }
    if (transports.contains("websocket")) {
      router.get(WebSocketTransport.PATH).handler(new WebSocketTransport(runtime));
    }
    if (transports.contains("sockjs")) {
      sockJs.mount(router);
    }
    router.get(HistoryApi.PATH).handler(QueryCheck.INSTANCE).handler(new HistoryApi(runtime.history(), runtime.rules(), runtime.authenticator()));
    router.get(PresenceApi.PATH).handler(QueryCheck.INSTANCE).handler(new PresenceApi(runtime.node().presence(), runtime.rules(), runtime.authenticator()));
    GroupsApi groups = new GroupsApi(runtime.node().channel(), runtime.rules(), runtime.authenticator());
    router.put(GroupsApi.PATH).handler(QueryCheck.INSTANCE).handler(groups);
    router.delete(GroupsApi.PATH).handler(QueryCheck.INSTANCE).handler(groups);
    List<String> paths = new ArrayList<>(List.of(PublishApi.PATH, SendApi.PATH, HistoryApi.PATH, PresenceApi.PATH, GroupsApi.PATH));
    if (transports.contains("sse")) {
      paths.add(SseTransport.PATH);
    }
    if (transports.contains("websocket")) {
      paths.add(WebSocketTransport.PATH);
    }
    refuseOtherMethods(router, paths);
    return this;
  }

  /**
   * Answers {@code 405 method-not-allowed} to a request for one of these paths that no route took
   * for its method. vertx-web's own 405 is lost as soon as a later route matches the request, such
   * as a node's {@code GET /*} for its pages, which would make a {@code GET /api/publish} a 404.
   * Mount after the paths' own routes.
   */
  public static void refuseOtherMethods(Router router, List<String> paths) {
    paths.forEach(path -> router.route(path).handler(rc -> rc.fail(405)));
  }

  /** Counts for tests and operators: live connections and the resources they hold. */
  public BridgeStats stats() {
    return new BridgeStats(
        runtime.connections().size(),
        runtime.connections().countByTransport(),
        runtime.hub().consumerCount(),
        runtime.hub().subscriptionCount(),
        runtime.hub().deliveredCount(),
        runtime.connections().closedCount(CloseReason.SLOW_CONSUMER),
        runtime.connections().closedCount(CloseReason.IDLE_TIMEOUT),
        runtime.connections().queued());
  }

  /** {@link #drain} with the {@link #DEFAULT_DRAIN_GRACE}. */
  public Future<Void> close() {
    return drain(DEFAULT_DRAIN_GRACE);
  }

  /**
   * Closes every connection with {@link CloseReason#SHUTDOWN}, which tells each client to reconnect
   * (to another node), and unregisters every consumer. A connection set up after this began (its
   * handshake was under way) gets the same farewell as soon as it is set up, and subscribes to
   * nothing. Completes once every socket has taken its farewell and closed, or after {@code grace},
   * whichever comes first. Call it while the HTTP server still runs (a verticle's {@code stop()}
   * does): closing the server first would cut the farewells short. With several bridges on one port
   * (a verticle's instances), drain them all before any server closes: an xhr-polling client's next
   * poll, which carries its farewell, may arrive on any of them. A second call returns the first
   * one's future.
   */
  public Future<Void> drain(Duration grace) {
    if (drained == null) {
      drained = drainNow(grace);
    }
    return drained;
  }

  private Future<Void> drainNow(Duration grace) {
    runtime.vertx().cancelTimer(heartbeatTimer);
    // Connections whose handshake ends from now on are closed as they are set up (refuseIfDraining).
    runtime.connections().drain().forEach(c -> c.close(CloseReason.SHUTDOWN));
    Future<Void> farewells = runtime.connections().socketsClosed()
        .timeout(grace.toMillis(), TimeUnit.MILLISECONDS)
        .otherwiseEmpty();
    // The SockJS owner entries go only once the farewells are out: a polling client takes its
    // farewell from its next poll, which in a cluster may reach any node, and that node must still
    // find the session here to forward the poll to it.
    return Future.join(runtime.hub().close(), farewells.compose(v -> sockJs.close())).mapEmpty();
  }
}
