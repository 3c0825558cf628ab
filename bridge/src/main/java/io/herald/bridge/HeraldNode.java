package io.herald.bridge;

import io.herald.bridge.history.History;
import io.herald.bridge.history.HistoryInterceptor;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.history.HistoryStore;
import io.herald.bridge.history.LocalHistoryStore;
import io.herald.bridge.history.Sequencer;
import io.herald.bridge.history.hazelcast.HazelcastHistoryStore;
import io.herald.bridge.history.hazelcast.HistorySerialization;
import io.herald.bridge.metrics.HeraldMetrics;
import io.herald.bridge.node.ConnectionIds;
import io.herald.bridge.node.LocalConnections;
import io.herald.bridge.node.NodeChannel;
import io.herald.bridge.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashMap;
import java.util.Map;

/**
 * What one Vert.x instance (one node) runs once, however many bridges its verticles create: its
 * history and the sequencer every publish goes through, including a plain
 * {@code eventBus().publish} from any verticle of the node, which a bus interceptor routes through
 * the sequencer.
 *
 * <p>A node that publishes to addresses with history but serves no clients (a microservice
 * member) installs it too, so that its publishes get their positions: {@code HeraldNode.install(vertx, policy)}.
 */
public final class HeraldNode {

  private static final Map<Vertx, HeraldNode> NODES = new HashMap<>();

  private final ConnectionIds connectionIds = new ConnectionIds();
  private final HeraldMetrics metrics;
  private final Sequencer sequencer;
  private final LocalConnections connections;
  private final NodeChannel channel;

  private HeraldNode(Vertx vertx, History history) {
    this.metrics = HeraldMetrics.forVertx(vertx, connectionIds.nodeKey());
    this.sequencer = new Sequencer(vertx.eventBus(), history, metrics);
    this.connections = new LocalConnections(vertx.eventBus(), connectionIds.nodeKey());
    this.channel = new NodeChannel(vertx, connectionIds.nodeKey(), connections, metrics);
    metrics.watch(connections, history);
  }

  /**
   * Installs the node's history with the given policy, kept in Hazelcast when the node is clustered
   * on Hazelcast (configure the member with {@link HazelcastHistoryStore#configure}), else in memory.
   *
   * @throws IllegalStateException if the node was already installed with another policy
   */
  public static HeraldNode install(Vertx vertx, HistoryPolicy policy) {
    synchronized (NODES) {
      HeraldNode existing = NODES.get(vertx);
      if (existing != null) {
        if (!existing.history().policy().toString().equals(policy.toString())) {
          throw new IllegalStateException("this Vert.x instance already runs Herald with history " + existing.history().policy());
        }
        return existing;
      }
      History history = new History(policy, storeFor(vertx));
      HeraldNode node = new HeraldNode(vertx, history);
      vertx.eventBus().addOutboundInterceptor(new HistoryInterceptor(node.sequencer));
      NODES.put(vertx, node);
      if (vertx instanceof VertxInternal internal) {
        internal.addCloseHook(completion -> {
          synchronized (NODES) {
            NODES.remove(vertx);
          }
          completion.succeed();
        });
      }
      return node;
    }
  }

  /** The node's installation, or one with the default history policy if none was installed. */
  public static HeraldNode of(Vertx vertx) {
    synchronized (NODES) {
      HeraldNode existing = NODES.get(vertx);
      return existing != null ? existing : install(vertx, HistoryPolicy.defaults());
    }
  }

  public History history() {
    return sequencer.history();
  }

  public Sequencer sequencer() {
    return sequencer;
  }

  /** Identifies this node in connection ids and in what it tells of its connections. */
  public String key() {
    return connectionIds.nodeKey();
  }

  public ConnectionIds connectionIds() {
    return connectionIds;
  }

  /**
   * The node's meters, in the Micrometer registry of its Vert.x when Vert.x runs with Micrometer
   * metrics ({@link HeraldMetrics#registryOf}).
   */
  public HeraldMetrics metrics() {
    return metrics;
  }

  /** Every live connection of the node, whichever verticle holds it. */
  public LocalConnections connections() {
    return connections;
  }

  /** How events reach one connection or everyone, and group changes reach a connection's node. */
  public NodeChannel channel() {
    return channel;
  }

  /**
   * Sends an event to its target ({@link Targets}): {@code connection.<id>} to that connection,
   * {@code everyone} to every connection, any other address through the sequencer to its
   * subscribers.
   *
   * @return the event's id
   */
  public Future<String> publish(String address, String type, Object body, long ts) {
    if (Targets.isEveryone(address)) {
      return channel.toEveryone(type, body, ts).onSuccess(id -> metrics.published(address));
    }
    if (Targets.isConnection(address)) {
      return channel.toConnection(Targets.connectionId(address), type, body, ts).onSuccess(id -> metrics.published(address));
    }
    // The sequencer counts its own publishes: a plain bus publish re-issued by the interceptor is one too.
    return sequencer.publish(address, type, body, ts);
  }

  private static HistoryStore storeFor(Vertx vertx) {
    if (vertx instanceof VertxInternal internal && internal.clusterManager() instanceof HazelcastClusterManager hazelcast) {
      if (!hazelcast.getHazelcastInstance().getConfig().getSerializationConfig().getDataSerializableFactories()
          .containsKey(HistorySerialization.FACTORY_ID)) {
        throw new IllegalStateException("the Hazelcast member was not prepared for Herald's history: "
            + "pass its Config through HazelcastHistoryStore.configure(config) before starting it");
      }
      return new HazelcastHistoryStore(vertx, hazelcast.getHazelcastInstance());
    }
    return new LocalHistoryStore();
  }
}
