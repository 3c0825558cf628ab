package io.herald.bridge;

import com.hazelcast.config.Config;
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
import io.herald.bridge.presence.Presence;
import io.herald.bridge.presence.PresencePolicy;
import io.herald.bridge.presence.hazelcast.HazelcastPresenceStore;
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
 * the sequencer; and its presence.
 *
 * <p>A node that publishes to addresses with history but serves no clients (a microservice
 * member) installs it too, so that its publishes get their positions: {@code HeraldNode.install(vertx, policy)}.
 */
public final class HeraldNode {

  private static final Map<Vertx, HeraldNode> NODES = new HashMap<>();

  /** How often an in-memory history applies retention to every address. */
  static final long HISTORY_SWEEP_MILLIS = 60_000;

  private final ConnectionIds connectionIds = new ConnectionIds();
  private final HeraldMetrics metrics;
  private final Sequencer sequencer;
  private final LocalConnections connections;
  private final NodeChannel channel;
  private final Presence presence;

  private HeraldNode(Vertx vertx, History history, PresencePolicy presencePolicy) {
    this.metrics = HeraldMetrics.forVertx(vertx, connectionIds.nodeKey());
    this.sequencer = new Sequencer(vertx.eventBus(), history, metrics);
    this.connections = new LocalConnections(vertx.eventBus(), connectionIds.nodeKey());
    this.channel = new NodeChannel(vertx, connectionIds.nodeKey(), connections, metrics);
    this.presence = Presence.install(vertx, presencePolicy, connectionIds.nodeKey());
    metrics.watch(connections, history);
  }

  /**
   * Prepares a Hazelcast member's configuration for Herald, before the member starts: history's
   * serializers and map ({@link HazelcastHistoryStore#configure}) and the presence map
   * ({@link HazelcastPresenceStore#configure}). Every member of a Herald cluster needs it, services'
   * members included, since any member may own a part of those maps.
   */
  public static Config configure(Config config) {
    return HazelcastPresenceStore.configure(HazelcastHistoryStore.configure(config));
  }

  /**
   * Installs the node's history with the given policy and no presence: {@link #install(Vertx,
   * HistoryPolicy, PresencePolicy)} with {@link PresencePolicy#NONE}.
   */
  public static HeraldNode install(Vertx vertx, HistoryPolicy policy) {
    return install(vertx, policy, PresencePolicy.NONE);
  }

  /**
   * Installs the node's history and presence with the given policies, kept in Hazelcast when the
   * node is clustered on Hazelcast (configure the member with {@link #configure}), else in memory.
   * Every Herald node of a cluster should have the same policies.
   *
   * @throws IllegalStateException if the node was already installed with other policies
   */
  public static HeraldNode install(Vertx vertx, HistoryPolicy policy, PresencePolicy presence) {
    synchronized (NODES) {
      HeraldNode existing = NODES.get(vertx);
      if (existing != null) {
        if (!existing.history().policy().toString().equals(policy.toString())) {
          throw new IllegalStateException("this Vert.x instance already runs Herald with history " + existing.history().policy());
        }
        if (!existing.presence().policy().toString().equals(presence.toString())) {
          throw new IllegalStateException("this Vert.x instance already runs Herald with presence '" + existing.presence().policy() + "'");
        }
        return existing;
      }
      HistoryStore store = storeFor(vertx);
      History history = new History(policy, store);
      HeraldNode node = new HeraldNode(vertx, history, presence);
      vertx.eventBus().addOutboundInterceptor(new HistoryInterceptor(node.sequencer));
      NODES.put(vertx, node);
      // In memory, retention reaches the addresses nobody touches only through a sweep (a cluster's
      // history map expires its own entries). It walks every address, so it runs on a worker, and
      // ordered: a sweep slower than the period waits for the one before instead of running beside it.
      LocalHistoryStore local = store instanceof LocalHistoryStore inMemory ? inMemory : null;
      long sweeper = local != null
          ? vertx.setPeriodic(HISTORY_SWEEP_MILLIS, id -> vertx.executeBlocking(local::sweep, true))
          : -1;
      if (vertx instanceof VertxInternal internal) {
        internal.addCloseHook(completion -> {
          synchronized (NODES) {
            NODES.remove(vertx);
          }
          if (local != null) {
            vertx.cancelTimer(sweeper);
            // Its events are in direct memory, which no collection gives back.
            local.close();
          }
          node.presence.close().onComplete(done -> completion.succeed());
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

  /** Who is subscribed to the addresses that keep presence, cluster-wide. */
  public Presence presence() {
    return presence;
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
            + "pass its Config through HeraldNode.configure(config) before starting it");
      }
      return new HazelcastHistoryStore(vertx, hazelcast.getHazelcastInstance());
    }
    return new LocalHistoryStore();
  }
}
