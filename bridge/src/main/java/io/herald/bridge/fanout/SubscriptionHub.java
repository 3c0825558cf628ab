package io.herald.bridge.fanout;

import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.history.History;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.history.LocalHistoryStore;
import io.herald.bridge.history.Position;
import io.herald.bridge.metrics.DropReason;
import io.herald.bridge.metrics.HeraldMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One event-bus consumer per address, shared by every local subscriber of that address.
 *
 * <p>Browser connections come and go by the thousand; registering a bus consumer for each of them
 * would put one cluster-wide registration per browser tab into the cluster's subscription map. Here
 * the first subscriber of an address registers the consumer, the last one to leave unregisters it,
 * and each event is decoded and encoded once, then handed to every subscriber as the same
 * {@link EncodedEvent}.
 *
 * <p>Events are handed out once per event-loop turn: those of an address that arrived while the
 * loop was busy go out together as one {@link EncodedBatch}, so under load a subscriber gets one
 * write for many events, and at a low rate (one event per turn) nothing waits.
 *
 * <p>Events of an address with history pass a {@link SequenceGate} first, so subscribers get them
 * in position order, each once, whatever order the bus brought them in.
 *
 * <p>Confined to one event loop: create it, and call it, on the owning verticle's context.
 */
public final class SubscriptionHub {

  private static final Logger LOG = System.getLogger(SubscriptionHub.class.getName());
  /** At most this many events go out as one batch, which bounds a batch's buffer. */
  static final int MAX_BATCH = 64;

  /** How long an event that arrived early waits for the ones before it before they are read from history. */
  static final long GAP_WAIT_MILLIS = 200;

  private final Vertx vertx;
  private final EventIds ids;
  private final History history;
  private final HeraldMetrics metrics;
  private final Map<String, AddressFanout> fanouts = new HashMap<>();
  // Addresses with events waiting for this turn's hand-out, in the order they got their first one:
  // one task per turn for the whole hub, not one per address (a node of per-user addresses would
  // otherwise queue a task for nearly every event).
  private List<AddressFanout> waiting = new ArrayList<>();
  private boolean handOutScheduled;
  private long delivered;

  /** A hub for addresses without history. */
  public SubscriptionHub(Vertx vertx, EventIds ids) {
    this(vertx, ids, new History(HistoryPolicy.NONE, new LocalHistoryStore()));
  }

  public SubscriptionHub(Vertx vertx, EventIds ids, History history) {
    this(vertx, ids, history, HeraldMetrics.none());
  }

  /** @param metrics where subscriptions, hand-off latencies and dropped events are counted */
  public SubscriptionHub(Vertx vertx, EventIds ids, History history, HeraldMetrics metrics) {
    this.vertx = vertx;
    this.ids = ids;
    this.history = history;
    this.metrics = metrics;
  }

  /**
   * The position of the last event of the address handed to subscribers, {@code null} for an
   * address without history or without subscribers here.
   */
  public Position position(String address) {
    AddressFanout fanout = fanouts.get(address);
    return fanout == null || fanout.gate == null ? null : fanout.gate.position();
  }

  /**
   * Adds a subscriber to an address. The future completes once the address's consumer registration
   * has completed, so a client told "subscribed" misses nothing published after that.
   */
  public Future<Void> subscribe(String address, Subscriber subscriber) {
    AddressFanout fanout = fanouts.computeIfAbsent(address, this::register);
    fanout.add(subscriber);
    return fanout.registered;
  }

  /**
   * The registration of the address's consumer as {@link #subscribe} returns it, {@code null} when
   * the address has none here. A subscriber that left and came back while its first registration was
   * under way compares the two: when they differ, the consumer it first joined has been released
   * and the later subscription is the one that counts.
   */
  public Future<Void> registration(String address) {
    AddressFanout fanout = fanouts.get(address);
    return fanout == null ? null : fanout.registered;
  }

  /** Removes a subscriber; the last one out unregisters the address's consumer. */
  public void unsubscribe(String address, Subscriber subscriber) {
    AddressFanout fanout = fanouts.get(address);
    if (fanout != null && fanout.remove(subscriber) && fanout.isEmpty()) {
      fanouts.remove(address);
      fanout.release();
    }
  }

  /** Number of addresses with a registered consumer on this hub. */
  public int consumerCount() {
    return fanouts.size();
  }

  /** Number of (address, subscriber) pairs. */
  public int subscriptionCount() {
    int count = 0;
    for (AddressFanout fanout : fanouts.values()) {
      count += fanout.members.size();
    }
    return count;
  }

  /** Events handed to subscribers since the hub started (one per subscriber per event). */
  public long deliveredCount() {
    return delivered;
  }

  /** Unregisters every consumer; subscribers are not told (their connections are closing too). */
  public Future<Void> close() {
    var unregistrations = fanouts.values().stream().map(AddressFanout::release).toList();
    fanouts.clear();
    return Future.join(unregistrations).mapEmpty();
  }

  private AddressFanout register(String address) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address);
    AddressFanout fanout = new AddressFanout(address, consumer);
    consumer.handler(fanout::dispatch);
    // A failed registration (the cluster is unreachable) must not leave a dead entry behind: the
    // next subscriber of the address tries again.
    fanout.registered.onFailure(e -> {
      if (fanouts.remove(address, fanout)) {
        fanout.release();
      }
    });
    return fanout;
  }

  private void awaitHandOut(AddressFanout fanout) {
    waiting.add(fanout);
    if (!handOutScheduled) {
      handOutScheduled = true;
      // Runs after the tasks already queued on this loop, which may carry more events.
      vertx.getOrCreateContext().runOnContext(v -> handOut());
    }
  }

  private void handOut() {
    handOutScheduled = false;
    List<AddressFanout> due = waiting;
    waiting = new ArrayList<>();
    // A fanout flushed early (a full batch) or released since is here with nothing pending: a no-op.
    for (int i = 0; i < due.size(); i++) {
      due.get(i).flush();
    }
  }

  private final class AddressFanout {
    // The address as its first subscriber gave it: every event of it here carries this one String.
    final String address;
    final MessageConsumer<Object> consumer;
    final Future<Void> registered;
    final SequenceGate gate;
    final Set<Subscriber> members = new LinkedHashSet<>();
    // Rebuilt only when membership changes, so dispatch allocates nothing per subscriber and a
    // subscriber may unsubscribe (even close) while an event is being handed out.
    Subscriber[] snapshot;
    // Events received but not yet handed out; the hub's one hand-out per event-loop turn flushes them.
    final List<EncodedEvent> pending = new ArrayList<>();

    AddressFanout(String address, MessageConsumer<Object> consumer) {
      this.address = address;
      this.consumer = consumer;
      metrics.consumers(1);
      if (history.keeps(address)) {
        gate = new SequenceGate(vertx, history, address, GAP_WAIT_MILLIS, this::enqueue, this::flush, metrics);
        // The head is read once the consumer is in place, so every later event either comes
        // through the consumer or is already counted in the head.
        registered = consumer.completion()
            .compose(v -> history.head(address))
            .map(head -> {
              gate.start(head);
              return null;
            });
      } else {
        gate = null;
        registered = consumer.completion();
      }
    }

    /** Once per fanout, when it leaves the hub: its subscribers, if any are left, stop counting too. */
    Future<Void> release() {
      metrics.consumers(-1);
      metrics.subscriptions(-members.size());
      pending.clear();
      if (gate != null) {
        gate.close();
      }
      return consumer.unregister();
    }

    void add(Subscriber subscriber) {
      if (members.add(subscriber)) {
        snapshot = null;
        metrics.subscriptions(1);
      }
    }

    boolean remove(Subscriber subscriber) {
      boolean removed = members.remove(subscriber);
      if (removed) {
        snapshot = null;
        metrics.subscriptions(-1);
      }
      return removed;
    }

    boolean isEmpty() {
      return members.isEmpty();
    }

    void dispatch(Message<Object> message) {
      EncodedEvent event;
      try {
        event = new EncodedEvent(BusEnvelopes.fromMessage(message, address, ids, System.currentTimeMillis()));
      } catch (IllegalArgumentException e) {
        LOG.log(Level.WARNING, "dropped an event on {0}: {1}", message.address(), e.getMessage());
        metrics.dropped(DropReason.UNDECODABLE, 1);
        return;
      }
      if (gate != null && event.envelope().position() != null) {
        gate.offer(event);
      } else {
        enqueue(event);
      }
    }

    void enqueue(EncodedEvent event) {
      // A batch is all positioned or all without position (live-only events such as presence's,
      // on an address with history): connections admit a batch whole by its first event.
      if (!pending.isEmpty() && (pending.get(0).envelope().position() == null) != (event.envelope().position() == null)) {
        flush();
      }
      if (pending.isEmpty()) {
        awaitHandOut(this);
      }
      pending.add(event);
      if (pending.size() >= MAX_BATCH) {
        flush();
      }
    }

    void flush() {
      if (pending.isEmpty()) {
        return;
      }
      Subscriber[] targets = snapshot;
      if (targets == null) {
        targets = snapshot = members.toArray(new Subscriber[0]);
      }
      if (targets.length > 0) {
        // Once per event here, however many subscribers: the cost stays off the per-connection path.
        long now = System.currentTimeMillis();
        for (int i = 0; i < pending.size(); i++) {
          metrics.handedOff(pending.get(i).envelope().ts(), now);
        }
      }
      if (pending.size() == 1) {
        EncodedEvent event = pending.get(0);
        for (Subscriber target : targets) {
          target.deliver(event);
        }
      } else {
        EncodedBatch batch = new EncodedBatch(pending);
        for (Subscriber target : targets) {
          target.deliver(batch);
        }
      }
      delivered += (long) targets.length * pending.size();
      pending.clear();
    }
  }
}
