package io.herald.verticles.cluster;

import io.herald.bridge.HeraldNode;
import io.herald.verticles.node.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Answers, for the whole cluster, what this node is: its id, HTTP address, phase, start time and
 * client connections. One instance per node, on the node's own address {@link #address}: one
 * cluster registration per node, whatever the number of HTTP verticle instances.
 */
public final class NodeReportVerticle extends VerticleBase {

  private final Membership membership;
  private final NodeState state;
  private final int httpInstances;

  public NodeReportVerticle(Membership membership, NodeState state, int httpInstances) {
    this.membership = membership;
    this.state = state;
    this.httpInstances = httpInstances;
  }

  /** Where a node answers; {@code herald.} addresses are Herald's own, no client can name them. */
  static String address(String nodeId) {
    return "herald.node." + nodeId + ".report";
  }

  /**
   * Where every node publishes its report once a second: the ops page's live feed. Subscribing takes
   * the {@code admin} role under the default rules.
   */
  public static final String OPS_ADDRESS = "ops.nodes";
  static final long OPS_PERIOD_MS = 1_000;

  @Override
  public Future<?> start() {
    vertx.setPeriodic(OPS_PERIOD_MS, t -> report()
        .onSuccess(report -> vertx.eventBus().publish(OPS_ADDRESS, report.put("members", new JsonArray(membership.nodeIds()))
            .put("historyAddresses", HeraldNode.of(vertx).history().ownedAddresses())
            .put("ts", System.currentTimeMillis()))));
    return vertx.eventBus().consumer(address(membership.nodeId()), request -> report()
            .onSuccess(request::reply)
            .onFailure(e -> request.fail(500, String.valueOf(e.getMessage()))))
        .completion();
  }

  /** This node's entry of {@code GET /api/cluster}, as far as the node itself knows it. */
  Future<JsonObject> report() {
    return NodeConnections.gather(vertx, membership.nodeId(), httpInstances, NodeConnections.GATHER_TIMEOUT).map(counts -> new JsonObject()
        .put("node", membership.nodeId())
        .put("http", state.httpAddress())
        .put("phase", state.phase().name())
        .put("startedAt", state.startedAt().toString())
        .mergeIn(counts));
  }
}
