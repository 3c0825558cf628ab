package io.herald.verticles.cluster;

import io.herald.verticles.node.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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

  @Override
  public Future<?> start() {
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
