package io.herald.verticles;

import io.herald.bridge.HeraldNode;
import io.herald.verticles.cluster.Membership;
import io.herald.verticles.cluster.NodeConnections;
import io.herald.verticles.cluster.NodeReportVerticle;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.metrics.NodeMeters;
import io.herald.verticles.node.NodeDrain;
import io.herald.verticles.node.NodeServices;
import io.herald.verticles.node.NodeState;
import io.herald.verticles.ready.CheckState;
import io.herald.verticles.ready.EventLoops;
import io.herald.verticles.ready.HistoryProbe;
import io.herald.verticles.ready.Readiness;
import io.herald.verticles.ready.ReadinessCheck;
import io.herald.verticles.security.NodeSecurity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verticles of one Herald node on a Vert.x instance, deployed and stopped as one: its HTTP
 * verticle instances, the verticle that reports on it to the cluster, the demo ticker, and its
 * graceful stop.
 */
public final class NodeDeployment {

  private static final Logger LOG = System.getLogger(NodeDeployment.class.getName());
  /** Numbers for the shared free ports of nodes on port 0: two nodes in one Vert.x must not share one. */
  private static final AtomicInteger SHARED_FREE_PORTS = new AtomicInteger();

  private final Vertx vertx;
  private final NodeServices services;
  private final String httpDeployment;
  private final int httpPort;

  private NodeDeployment(Vertx vertx, NodeServices services, String httpDeployment, int httpPort) {
    this.vertx = vertx;
    this.services = services;
    this.httpDeployment = httpDeployment;
    this.httpPort = httpPort;
  }

  /**
   * Deploys a node on a running Vert.x, standalone or clustered. Completes once every HTTP verticle
   * instance listens and the node's address is published to the cluster: from then on it is ready.
   */
  public static Future<NodeDeployment> deploy(Vertx vertx, HeraldConfig config) {
    NodeState state = new NodeState();
    Membership membership = Membership.of(vertx);
    // Before any verticle: every publish of the node, a plain bus publish included, goes through it.
    HeraldNode herald = HeraldNode.install(vertx, config.history(), config.presence());
    Readiness readiness = new Readiness(List.of(
        ReadinessCheck.of("cluster", () -> membership.joined() ? CheckState.UP : CheckState.DOWN),
        ReadinessCheck.of("http", () -> switch (state.phase()) {
          case STARTING -> CheckState.DOWN;
          case SERVING -> CheckState.UP;
          case DRAINING -> CheckState.DRAINING;
        }),
        new HistoryProbe(herald.history())));
    EventLoops eventLoops = new EventLoops(config.livenessTimeout());
    // Liveness never says DRAINING: a node that stops on purpose is alive until it exits.
    Readiness liveness = new Readiness(List.of(ReadinessCheck.of("event-loops", eventLoops::state)));
    // Key and rules files are read on a worker: a clustered start completes on an event loop.
    return vertx.executeBlocking(() -> NodeSecurity.load(vertx, config))
        .map(security -> new NodeServices(listenPort(config), config, security, state, membership, readiness, eventLoops, liveness))
        .compose(services -> vertx.deployVerticle(new NodeMeters(herald.metrics().registry(), membership, eventLoops))
            .compose(id -> vertx.deployVerticle(new NodeReportVerticle(membership, state, config.httpInstances())))
            .compose(id -> deployHttp(vertx, services))
            .compose(node -> node.announce().map(node)))
        .compose(node -> config.ticker() ? vertx.deployVerticle(new TickerVerticle()).map(node) : Future.succeededFuture(node));
  }

  /** The configured port, or for port 0 a shared free port of this node's own (see NodeServices). */
  private static int listenPort(HeraldConfig config) {
    return config.httpPort() != 0 ? config.httpPort() : -SHARED_FREE_PORTS.incrementAndGet();
  }

  private static Future<NodeDeployment> deployHttp(Vertx vertx, NodeServices services) {
    // The instances are kept only to read the port they share (the chosen one when configured with 0).
    List<HttpVerticle> instances = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
          HttpVerticle instance = new HttpVerticle(services);
          instances.add(instance);
          return instance;
        }, new DeploymentOptions().setInstances(services.config().httpInstances()))
        .map(id -> new NodeDeployment(vertx, services, id, instances.get(0).actualPort()));
  }

  /** Publishes the node's HTTP address and start time to the cluster, then takes clients. */
  private Future<Void> announce() {
    String address = services.config().httpAddress(httpPort);
    JsonObject facts = new JsonObject().put("http", address).put("startedAt", services.state().startedAt().toString());
    return services.membership().publish(facts).onSuccess(v -> {
      services.state().serving(address);
      LOG.log(Level.INFO, "node {0} serving on {1} ({2} HTTP verticle instances, {3}, {4} sockets)", services.membership().nodeId(),
          address, services.config().httpInstances(), vertx.isClustered() ? "clustered" : "standalone",
          vertx.isNativeTransportEnabled() ? "native" : "NIO");
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public int httpPort() {
    return httpPort;
  }

  public String nodeId() {
    return services.membership().nodeId();
  }

  public NodeState state() {
    return services.state();
  }

  /** The event loops of the node's HTTP verticle instances, as {@code /health} watches them. */
  public EventLoops eventLoops() {
    return services.eventLoops();
  }

  /**
   * The graceful stop, in this order:
   * <ol>
   *   <li>{@code /ready} answers 503 and new requests are refused, so load balancers stop sending
   *       clients here while those already here are told to leave;
   *   <li>every HTTP verticle instance tells its clients to reconnect elsewhere (SSE: a short
   *       {@code retry:} and a {@code shutdown} event; WebSocket and SockJS: close code 1012) and
   *       waits, bounded, for those last bytes to go out; all of them, before any server closes,
   *       since a client's last poll may arrive on any instance's connection ({@link NodeDrain});
   *   <li>the HTTP verticles are undeployed: each server closes once its open requests finished;
   *   <li>Vert.x closes: the other verticles stop and the node leaves the cluster, whose members
   *       drop it from their view at once instead of after missed heartbeats.
   * </ol>
   * Completes once Vert.x is closed. The caller bounds the whole by the shutdown timeout with a
   * clock of its own: a Vert.x that is closing cannot be trusted to fire its own timers.
   */
  public Future<Void> shutdown() {
    Promise<Void> stopped = Promise.promise();
    // The steps chain on an event loop, whichever thread asks (the JVM's shutdown hook does).
    vertx.getOrCreateContext().runOnContext(v -> {
      long start = System.nanoTime();
      services.state().draining();
      NodeConnections.gather(vertx, nodeId(), services.config().httpInstances(), NodeConnections.GATHER_TIMEOUT)
          .onSuccess(counts -> LOG.log(Level.INFO,
              "draining: telling {0,choice,0#no client|1#1 client|1<{0,number,integer} clients} to reconnect elsewhere",
              counts.getInteger("connections")))
          .transform(counted -> NodeDrain.drainAll(vertx, nodeId(), services.config().httpInstances(), services.config().drainGrace()))
          .andThen(drained -> {
            if (drained.succeeded() && drained.result() < services.config().httpInstances()) {
              LOG.log(Level.WARNING, "{0} of {1} HTTP verticle instances finished draining within the grace; closing anyway",
                  drained.result(), services.config().httpInstances());
            }
          })
          .transform(drained -> vertx.undeploy(httpDeployment))
          .eventually(vertx::close)
          .onSuccess(done -> LOG.log(Level.INFO, "stopped in {0} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)))
          .onComplete(stopped);
    });
    return stopped.future();
  }
}
