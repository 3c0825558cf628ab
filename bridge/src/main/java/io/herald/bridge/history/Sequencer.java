package io.herald.bridge.history;

import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.envelope.JsonText;
import io.herald.bridge.metrics.HeraldMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's one way onto the bus for events: an event of an address with history is first
 * appended (which gives it its position, once, cluster-wide) and only then published with that
 * position; any other event is published at once with a fresh id.
 *
 * <p>A node has at most one append of an address on its way. Events of the address that come
 * meanwhile wait, and go to the store together when it returns (one call to the member owning the
 * address in a cluster), then are published in their order. So a node's events of an address reach
 * subscribers in position order, and a loaded node hands its hubs many events of an address at once,
 * which they write to each subscriber together, instead of a trickle of single events that each cost
 * a write per subscriber. Publishes from several nodes may still cross on the bus; receivers put
 * them back in order ({@code SequenceGate}). Thread-safe: used from every event loop of the node and
 * from the bus interceptor.
 */
public final class Sequencer {

  /** At most this many waiting events go in one append; the rest wait for the next. */
  static final int MAX_GROUP = 256;
  /** Events of one address that may wait for history; beyond, a publish fails at once (503). */
  static final int MAX_WAITING = 10_000;
  // The value of an address whose append is on its way and that nothing waits for yet.
  private static final List<Waiting> NONE_WAITING = List.of();

  private final EventBus bus;
  private final History history;
  private final HeraldMetrics metrics;
  private final EventIds ids = new EventIds();
  // The addresses with an append on its way, each with the events that came since. Changed only
  // through compute, which is atomic per address.
  private final ConcurrentHashMap<String, List<Waiting>> appending = new ConcurrentHashMap<>();

  private record Waiting(NewEvent event, Object body, Promise<String> published) {}

  public Sequencer(EventBus bus, History history, HeraldMetrics metrics) {
    this.bus = bus;
    this.history = history;
    this.metrics = metrics;
  }

  public History history() {
    return history;
  }

  /**
   * Publishes a body the bus has a codec for.
   *
   * @return the event's id (its position when the address keeps history)
   */
  public Future<String> publish(String address, String type, Object body, long ts) {
    if (!history.keeps(address)) {
      String id = ids.next();
      bus.publish(address, body, BusEnvelopes.deliveryOptions(id, type, ts));
      metrics.published(address);
      return Future.succeededFuture(id);
    }
    String dataJson;
    try {
      dataJson = JsonText.encodeBody(body);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Waiting waiting = new Waiting(new NewEvent(type, ts, dataJson), body, Promise.promise());
    boolean[] first = new boolean[1];
    boolean[] full = new boolean[1];
    appending.compute(address, (a, waitingSoFar) -> {
      if (waitingSoFar == null) {
        first[0] = true;
        return NONE_WAITING;
      }
      if (waitingSoFar.size() >= MAX_WAITING) {
        full[0] = true;
        return waitingSoFar;
      }
      List<Waiting> more = waitingSoFar == NONE_WAITING ? new ArrayList<>() : waitingSoFar;
      more.add(waiting);
      return more;
    });
    if (full[0]) {
      metrics.appendFailed();
      return Future.failedFuture(new IllegalStateException(MAX_WAITING + " events of " + address + " already wait for history"));
    }
    if (first[0]) {
      append(address, List.of(waiting));
    }
    return waiting.published().future();
  }

  private void append(String address, List<Waiting> group) {
    metrics.appendCalled();
    Future<List<Position>> appended;
    try {
      if (group.size() == 1) {
        NewEvent event = group.get(0).event();
        appended = history.append(address, event.type(), event.ts(), event.dataJson()).map(List::of);
      } else {
        List<NewEvent> events = new ArrayList<>(group.size());
        for (Waiting w : group) {
          events.add(w.event());
        }
        appended = history.appendAll(address, events);
      }
    } catch (RuntimeException e) {
      // A store that throws (its member shut down) must not leave the address marked as appending.
      appended = Future.failedFuture(e);
    }
    appended.onComplete(done -> {
      if (done.succeeded()) {
        List<Position> positions = done.result();
        for (int i = 0; i < group.size(); i++) {
          Waiting w = group.get(i);
          metrics.appended();
          try {
            w.published().complete(publishAt(address, w.event().type(), w.body(), w.event().ts(), positions.get(i)));
          } catch (RuntimeException e) {
            // As for any publish: the caller gets a failed future, never an exception.
            w.published().fail(e);
          }
        }
        appendWaiting(address);
      } else {
        // What waits behind a failed append would most likely fail too, each after its own wait
        // for the store: all of it fails now, and the address starts afresh with its next event.
        List<Waiting> failed = new ArrayList<>(group);
        appending.compute(address, (a, waiting) -> {
          failed.addAll(waiting);
          return null;
        });
        for (Waiting w : failed) {
          metrics.appendFailed();
          w.published().fail(done.cause());
        }
      }
    });
  }

  /** After an append returned: the events that came meanwhile go next, or the address is done. */
  private void appendWaiting(String address) {
    List<List<Waiting>> next = new ArrayList<>(1);
    appending.compute(address, (a, waiting) -> {
      if (waiting == NONE_WAITING) {
        return null;
      }
      if (waiting.size() <= MAX_GROUP) {
        next.add(waiting);
        return NONE_WAITING;
      }
      List<Waiting> group = waiting.subList(0, MAX_GROUP);
      next.add(new ArrayList<>(group));
      group.clear();
      return waiting;
    });
    if (!next.isEmpty()) {
      append(address, next.get(0));
    }
  }

  private String publishAt(String address, String type, Object body, long ts, Position position) {
    String id = position.toString();
    bus.publish(address, body, BusEnvelopes.positioned(id, type, ts));
    metrics.published(address);
    return id;
  }
}
