package io.herald.verticles.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import java.util.List;

/**
 * Membership as the Vert.x cluster manager (Hazelcast) sees it. Herald's facts travel in the
 * metadata of the node info every member already keeps in the cluster ({@code __vertx.nodeInfo}),
 * under the key {@value #KEY}: no structure of Herald's own to keep in step with members that come
 * and go, since the cluster manager drops a member's entry when it leaves.
 */
final class ClusterManagerMembership implements Membership {

  static final String KEY = "herald";

  private final ClusterManager manager;

  ClusterManagerMembership(ClusterManager manager) {
    this.manager = manager;
  }

  @Override
  public String nodeId() {
    return manager.getNodeId();
  }

  @Override
  public boolean joined() {
    return manager.isActive() && manager.getNodes().contains(manager.getNodeId());
  }

  @Override
  public List<String> nodeIds() {
    return List.copyOf(manager.getNodes());
  }

  /**
   * Republishes the node info the event bus published at start with Herald's facts added to its
   * metadata. Host and port stay the event bus's own: the other members connect to them.
   */
  @Override
  public Future<Void> publish(JsonObject facts) {
    NodeInfo current = manager.getNodeInfo();
    JsonObject metadata = current.metadata() == null ? new JsonObject() : current.metadata().copy();
    Promise<Void> published = Promise.promise();
    manager.setNodeInfo(new NodeInfo(current.host(), current.port(), metadata.put(KEY, facts.copy())), published);
    return published.future();
  }

  @Override
  public Future<JsonObject> facts(String nodeId) {
    Promise<NodeInfo> info = Promise.promise();
    manager.getNodeInfo(nodeId, info);
    return info.future().map(node -> {
      JsonObject metadata = node.metadata();
      JsonObject facts = metadata == null ? null : metadata.getJsonObject(KEY);
      return facts == null ? new JsonObject() : facts.copy();
    });
  }
}
