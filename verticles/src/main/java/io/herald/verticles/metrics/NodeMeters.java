package io.herald.verticles.metrics;

import com.hazelcast.core.HazelcastInstance;
import io.herald.verticles.cluster.Membership;
import io.herald.verticles.ready.EventLoops;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;

/**
 * The node's health as meters, beside Herald's own ({@code HeraldMetrics}) and Vert.x's: the members
 * it sees, whether it is joined (with its quorum, see {@link Membership#joined}), whether Hazelcast
 * holds every partition's backups ({@code herald_cluster_safe}), and how long ago the slowest event
 * loop last beat ({@code /health} reads the same).
 */
public final class NodeMeters extends VerticleBase {

  /** Hazelcast's safety check asks every member about its replicas: now and then, on a worker. */
  static final Duration SAFETY_PERIOD = Duration.ofSeconds(10);

  private final MeterRegistry registry;
  private final Membership membership;
  private final EventLoops eventLoops;
  private volatile double safe = Double.NaN;

  public NodeMeters(MeterRegistry registry, Membership membership, EventLoops eventLoops) {
    this.registry = registry;
    this.membership = membership;
    this.eventLoops = eventLoops;
  }

  @Override
  public Future<?> start() {
    Gauge.builder("herald.cluster.members", membership, m -> m.nodeIds().size())
        .description("Members this node sees in its cluster, itself included (1 when standalone)")
        .strongReference(true).register(registry);
    Gauge.builder("herald.cluster.joined", membership, m -> m.joined() ? 1 : 0)
        .description("1 while the node is a member in good standing (with its quorum, when one is configured), else 0")
        .strongReference(true).register(registry);
    Gauge.builder("herald.event.loop.heartbeat.age", eventLoops, loops -> loops.oldestBeatAge().toNanos() / 1e9)
        .description("Seconds since the HTTP event loop that beat least recently ran its heartbeat (about 1 while every loop runs)")
        .baseUnit("seconds").strongReference(true).register(registry);
    if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager hazelcast) {
      Gauge.builder("herald.cluster.safe", this, meters -> meters.safe)
          .description("1 when every partition's backups are in sync (a member may leave without loss), 0 when not; checked every 10 s")
          .strongReference(true).register(registry);
      HazelcastInstance instance = hazelcast.getHazelcastInstance();
      vertx.setPeriodic(1, SAFETY_PERIOD.toMillis(), id -> vertx.executeBlocking(() -> instance.getPartitionService().isClusterSafe(), false)
          .onComplete(done -> safe = done.succeeded() && done.result() ? 1 : 0));
    }
    return Future.succeededFuture();
  }
}
