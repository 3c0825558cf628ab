package io.herald.verticles.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The members this node belongs with, and the facts each Herald node published about itself (its
 * HTTP address, its start time). Thread-safe: every HTTP verticle instance of a node uses it.
 */
public interface Membership {

  /** This node's id, the same id the event bus and the other members know it by. */
  String nodeId();

  /**
   * Whether this node is a member in good standing: always for a standalone node; in a cluster, a
   * member that sees itself in the cluster and, when a quorum is configured, is on a side of the
   * cluster that has it.
   */
  boolean joined();

  /** Every member's id, oldest member first, this node's included. */
  List<String> nodeIds();

  /** Publishes this node's Herald facts for every member to read with {@link #facts}. */
  Future<Void> publish(JsonObject facts);

  /**
   * The facts a member published: an empty object for a member that runs no Herald HTTP verticle;
   * failed for a node that is no member.
   */
  Future<JsonObject> facts(String nodeId);

  /**
   * The membership of a Vert.x instance: its cluster manager's when clustered. The cluster manager
   * is reached through {@link VertxInternal}, Vert.x's own interface for its modules, so a node built
   * by anyone (the launcher, a test cluster) is read the same way.
   */
  static Membership of(Vertx vertx) {
    if (vertx.isClustered()) {
      return new ClusterManagerMembership(((VertxInternal) vertx).clusterManager());
    }
    return new StandaloneMembership();
  }
}
