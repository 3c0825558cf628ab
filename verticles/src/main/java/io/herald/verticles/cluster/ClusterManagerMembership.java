package io.herald.verticles.cluster;

import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * Membership as the Vert.x cluster manager (Hazelcast) sees it. Herald's facts travel in the
 * metadata of the node info every member already keeps in the cluster ({@code __vertx.nodeInfo}),
 * under the key {@value #KEY}: no structure of Herald's own to keep in step with members that come
 * and go, since the cluster manager drops a member's entry when it leaves.
 *
 * <p>A member cut off from the others by a network partition goes on as a cluster of its own (and
 * Hazelcast merges the pieces back once they see each other again), so being a member says nothing
 * about being in the cluster the operator meant. When the Hazelcast configuration defines a split-brain
 * protection named {@value #QUORUM}, a member is joined only while its side has that protection's
 * minimum cluster size: the minority side of a partition turns not ready.
 */
final class ClusterManagerMembership implements Membership {

  static final String KEY = "herald";
  /** The split-brain protection (Hazelcast's quorum) that {@link #joined} honours when cluster.xml defines it. */
  public static final String QUORUM = "herald";

  private final ClusterManager manager;
  private final SplitBrainProtection quorum;

  ClusterManagerMembership(ClusterManager manager) {
    this.manager = manager;
    this.quorum = quorumOf(manager);
  }

  private static SplitBrainProtection quorumOf(ClusterManager manager) {
    if (!(manager instanceof HazelcastClusterManager hazelcast) || hazelcast.getHazelcastInstance() == null) {
      return null;
    }
    HazelcastInstance instance = hazelcast.getHazelcastInstance();
    SplitBrainProtectionConfig config = instance.getConfig().getSplitBrainProtectionConfigs().get(QUORUM);
    return config == null || !config.isEnabled() ? null : instance.getSplitBrainProtectionService().getSplitBrainProtection(QUORUM);
  }

  @Override
  public String nodeId() {
    return manager.getNodeId();
  }

  @Override
  public boolean joined() {
    return manager.isActive() && manager.getNodes().contains(manager.getNodeId()) && (quorum == null || quorum.hasMinimumSize());
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
