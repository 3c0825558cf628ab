package io.herald.verticles.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code GET /api/cluster}'s answer: every member, oldest first, each asked over the clustered event
 * bus for its own report. A member that does not answer in time is still listed, with
 * {@code "reachable":false} and what it published when it started: an operator looking for a sick
 * node must see it, and one slow member must not stall the answer. Stateless, so every HTTP verticle
 * instance has its own.
 */
public final class ClusterView {

  /** Above a member's own gathering time ({@link NodeConnections#GATHER_TIMEOUT}), below a probe's patience. */
  static final long ASK_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Membership membership;

  public ClusterView(Vertx vertx, Membership membership) {
    this.vertx = vertx;
    this.membership = membership;
  }

  /** {@code {"self":id,"clustered":bool,"members":[...]}}; never fails. */
  public Future<JsonObject> members() {
    String self = membership.nodeId();
    List<Future<JsonObject>> entries = membership.nodeIds().stream().map(this::member).toList();
    return Future.join(entries).transform(done -> {
      JsonArray members = new JsonArray();
      for (Future<JsonObject> entry : entries) {
        JsonObject member = entry.result();
        members.add(member.put("self", self.equals(member.getString("node"))));
      }
      return Future.succeededFuture(new JsonObject()
          .put("self", self)
          .put("clustered", vertx.isClustered())
          .put("members", members));
    });
  }

  private Future<JsonObject> member(String nodeId) {
    return vertx.eventBus().<JsonObject>request(NodeReportVerticle.address(nodeId), null, new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS))
        .map(reply -> reply.body().put("reachable", true))
        .recover(failure -> unanswered(nodeId, failure));
  }

  /**
   * A member that did not answer. With no handler and nothing published it is a member that runs no
   * Herald HTTP verticle (a service verticle's node): it is there, and serves no clients.
   */
  private Future<JsonObject> unanswered(String nodeId, Throwable failure) {
    boolean noHandler = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
    return membership.facts(nodeId).otherwise(new JsonObject()).map(facts -> {
      JsonObject member = new JsonObject()
          .put("node", nodeId)
          .put("http", facts.getString("http"))
          .put("startedAt", facts.getString("startedAt"));
      if (noHandler && facts.isEmpty()) {
        return member.put("connections", 0).put("connectionsByTransport", new JsonObject()).put("reachable", true);
      }
      return member.put("reachable", false);
    });
  }
}
