package io.herald.bridge.history;

import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.envelope.JsonText;
import io.herald.bridge.metrics.HeraldMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's one way onto the bus for events: an event of an address with history is first
 * appended (which gives it its position, once, cluster-wide) and only then published with that
 * position; any other event is published at once with a fresh id.
 *
 * <p>Appends to one address run concurrently, but their publishes leave in the order the appends
 * were issued, so a node's events of an address reach subscribers in position order. Publishes
 * from several nodes may still cross on the bus; receivers put them back in order
 * ({@code SequenceGate}). Thread-safe: used from every event loop of the node and from the bus
 * interceptor.
 */
public final class Sequencer {

  private final EventBus bus;
  private final History history;
  private final HeraldMetrics metrics;
  private final EventIds ids = new EventIds();
  // Per address, the publish the next one must follow; removed once the address goes quiet.
  private final ConcurrentHashMap<String, Future<Void>> tails = new ConcurrentHashMap<>();

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
    Future<Position> appended = history.append(address, type, ts, dataJson)
        .onComplete(done -> {
          if (done.succeeded()) {
            metrics.appended();
          } else {
            metrics.appendFailed();
          }
        });
    if (appended.succeeded() && !tails.containsKey(address)) {
      // The store answered at once (the in-memory one does) and no earlier publish of the address
      // is waiting: nothing to keep order with, so the event leaves now, without the chain below.
      try {
        return Future.succeededFuture(publishAt(address, type, body, ts, appended.result()));
      } catch (RuntimeException e) {
        // As from the chain below: the caller gets a failed future, never an exception.
        return Future.failedFuture(e);
      }
    }
    Promise<Void> turn = Promise.promise();
    Future<Void> previous = tails.put(address, turn.future());
    Future<Void> wait = previous == null ? Future.succeededFuture() : previous;
    Future<String> published = wait.transform(ignored -> appended).map(position -> publishAt(address, type, body, ts, position));
    published.onComplete(done -> {
      turn.complete();
      tails.remove(address, turn.future());
    });
    return published;
  }

  private String publishAt(String address, String type, Object body, long ts, Position position) {
    String id = position.toString();
    bus.publish(address, body, BusEnvelopes.positioned(id, type, ts));
    metrics.published(address);
    return id;
  }
}
