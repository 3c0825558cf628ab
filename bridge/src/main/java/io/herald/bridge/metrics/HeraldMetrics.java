package io.herald.bridge.metrics;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.auth.AuthFailure;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.history.History;
import io.herald.bridge.node.LocalConnections;
import io.herald.bridge.target.Targets;
import io.herald.bridge.transport.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.impl.MicrometerMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Herald's meters on one node, in the Micrometer registry of the node's Vert.x when Vert.x runs with
 * Micrometer metrics (then they sit beside Vert.x's own and are scraped with them), else in a
 * registry of their own that only this object reads.
 *
 * <p>Every tag has a small, fixed set of values: a transport, a close or drop reason, a kind of
 * target, the node's key. Never an address, a user or a token, which would make one time series per
 * browser.
 *
 * <p>What runs per event is one counter increment per connection that takes the event, and one
 * timer record per event per hub (not per subscriber). Every meter is created when the node starts
 * or when a connection opens, never on the delivery path. Thread-safe: every event loop of the node
 * records here.
 */
public final class HeraldMetrics {

  /** The transports every node may serve, registered up front so a dashboard sees zeros, not gaps. */
  private static final List<String> TRANSPORTS = List.of("sse", "websocket", "sockjs");

  private final MeterRegistry registry;
  private final String nodeKey;
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
  private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Map<AuthFailure, Counter> authFailures = new EnumMap<>(AuthFailure.class);
  private final Timer latency;
  private final Counter appends;
  private final Counter appendCalls;
  private final Counter appendFailures;
  private final Counter replayed;
  private final Counter resets;
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong consumers = new AtomicLong();

  public HeraldMetrics(MeterRegistry registry, String nodeKey) {
    this.registry = registry;
    this.nodeKey = nodeKey;
    for (String target : List.of(Target.ADDRESS, Target.USER, Target.GROUP, Target.CONNECTION, Target.EVERYONE)) {
      published.put(target, Counter.builder("herald.events.published")
          .description("Events published through this node, by kind of target")
          .tag("target", target).register(registry));
    }
    TRANSPORTS.forEach(this::delivered);
    for (CloseReason reason : CloseReason.values()) {
      closed.put(reason, Counter.builder("herald.connections.closed")
          .description("Connections ended, by reason").tag("reason", reason.code()).register(registry));
    }
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, Counter.builder("herald.events.dropped")
          .description("Events (for slow-consumer: queued frames) a connection or hub let go, by reason")
          .tag("reason", reason.code()).register(registry));
    }
    for (AuthFailure reason : AuthFailure.values()) {
      authFailures.put(reason, Counter.builder("herald.auth.failures")
          .description("Requests and frames refused for their token, by reason").tag("reason", reason.code()).register(registry));
    }
    latency = Timer.builder("herald.delivery.latency")
        .description("From an event's publish time to its hand-off to the local connections' queues, once per event per hub")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    appends = Counter.builder("herald.history.appends").description("Events appended to history by this node").register(registry);
    appendCalls = Counter.builder("herald.history.append.calls")
        .description("Appends this node asked of the history store: fewer than herald.history.appends when events of an address"
            + " that came while its append was on its way went together").register(registry);
    appendFailures = Counter.builder("herald.history.append.failures")
        .description("Appends that failed (history unreachable): the event was not published").register(registry);
    replayed = Counter.builder("herald.history.replayed").description("Events replayed from history to resuming connections").register(registry);
    resets = Counter.builder("herald.history.resets")
        .description("Cursors that history could not continue (too old, or another epoch): the client was told to reset").register(registry);
    Gauge.builder("herald.subscriptions", subscriptions, AtomicLong::get)
        .description("(address, connection) pairs on this node").strongReference(true).register(registry);
    Gauge.builder("herald.bus.consumers", consumers, AtomicLong::get)
        .description("Event-bus consumers the node's hubs hold: one per subscribed address per HTTP verticle instance")
        .strongReference(true).register(registry);
  }

  /**
   * The meters of a node's Vert.x: in its Micrometer registry when it was built with Micrometer
   * metrics, else in a registry of their own.
   */
  public static HeraldMetrics forVertx(Vertx vertx, String nodeKey) {
    MeterRegistry registry = registryOf(vertx);
    return new HeraldMetrics(registry != null ? registry : new SimpleMeterRegistry(), nodeKey);
  }

  /** Meters that record nothing, for hubs and tests outside a node. */
  public static HeraldMetrics none() {
    // A composite without registries hands out no-op meters.
    return new HeraldMetrics(new CompositeMeterRegistry(), "none");
  }

  /**
   * The registry Vert.x's Micrometer metrics write to, or {@code null} when it runs without them.
   * Read through Vert.x's SPI, so each Vert.x instance of a JVM (a test cluster) finds its own.
   */
  public static MeterRegistry registryOf(Vertx vertx) {
    if (vertx instanceof VertxInternal internal && internal.metrics() instanceof MicrometerMetrics micrometer) {
      return micrometer.registry();
    }
    return null;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Gauges read from the node's own state: connections by transport, addresses with history. */
  public void watch(LocalConnections connections, History history) {
    for (String transport : TRANSPORTS) {
      Gauge.builder("herald.connections", connections, c -> c.count(transport))
          .description("Live client connections of this node")
          .tags("transport", transport, "node", nodeKey)
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("herald.history.addresses", history, History::ownedAddresses)
        .description("Addresses whose history this node holds (in a cluster, the primary copies it owns)")
        .strongReference(true)
        .register(registry);
  }

  // ---- publishing ----

  /** An event left this node for its target (the address names the target). */
  public void published(String address) {
    published.get(Target.of(address)).increment();
  }

  public void appended() {
    appends.increment();
  }

  public void appendCalled() {
    appendCalls.increment();
  }

  public void appendFailed() {
    appendFailures.increment();
  }

  // ---- delivering ----

  /** The counter of events handed to connections of a transport: a connection looks it up once, when it opens. */
  public Counter delivered(String transport) {
    return delivered.computeIfAbsent(transport, t -> Counter.builder("herald.events.delivered")
        .description("Events written or queued to client connections, one per event per connection")
        .tag("transport", t).register(registry));
  }

  /** An event published at {@code publishedAt} (epoch ms, the publisher's clock) reached the local connections at {@code now}. */
  public void handedOff(long publishedAt, long now) {
    // Clocks of two machines may disagree by a little: a negative latency is counted as none.
    latency.record(Math.max(0, now - publishedAt), TimeUnit.MILLISECONDS);
  }

  public void dropped(DropReason reason, long events) {
    dropped.get(reason).increment(events);
  }

  public void replayed(int events) {
    replayed.increment(events);
  }

  public void reset() {
    resets.increment();
  }

  // ---- subscriptions and connections ----

  public void subscriptions(int delta) {
    subscriptions.addAndGet(delta);
  }

  public void consumers(int delta) {
    consumers.addAndGet(delta);
  }

  public void closed(CloseReason reason) {
    closed.get(reason).increment();
  }

  // ---- authentication ----

  public void authFailed(AuthFailure reason) {
    authFailures.get(reason).increment();
  }

  /** The authenticator, counting every token it refuses by reason. */
  public Authenticator counting(Authenticator authenticator) {
    return authenticator instanceof CountingAuthenticator ? authenticator : new CountingAuthenticator(authenticator, this);
  }

  /** The rules, counting as {@link AuthFailure#MISSING} every refusal of a client that brought no token. */
  public AddressRules counting(AddressRules rules) {
    return rules instanceof CountingRules ? rules : new CountingRules(rules, this);
  }

  /** The kinds of target an event can have ({@link Targets}). */
  static final class Target {
    static final String ADDRESS = "address";
    static final String USER = "user";
    static final String GROUP = "group";
    static final String CONNECTION = "connection";
    static final String EVERYONE = "everyone";

    private Target() {}

    static String of(String address) {
      if (address.startsWith(Targets.USER_PREFIX)) {
        return USER;
      }
      if (address.startsWith(Targets.GROUP_PREFIX)) {
        return GROUP;
      }
      if (Targets.isConnection(address)) {
        return CONNECTION;
      }
      return Targets.isEveryone(address) ? EVERYONE : ADDRESS;
    }
  }
}
