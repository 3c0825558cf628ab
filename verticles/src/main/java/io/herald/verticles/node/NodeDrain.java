package io.herald.verticles.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The first half of a node's graceful stop: the bridges of all its HTTP verticle instances drain
 * before any instance closes its server.
 *
 * <p>The instances share one port, and a client's next request lands on whichever instance accepted
 * its connection. An xhr-polling client takes its farewell from a poll that may well sit on another
 * instance's connection than the one holding its session; an instance that closed its server as
 * soon as its own bridge had drained cut such polls off, and the farewell waiting for them was lost.
 */
public final class NodeDrain {

  private static final String ADDRESS = "herald.node.drain.";
  /** Beyond the grace each instance bounds its drain by: time for its answer to come back. */
  private static final Duration ANSWER_MARGIN = Duration.ofMillis(200);

  private NodeDrain() {}

  /**
   * Registers an HTTP verticle instance's drain; unregistered with the instance's deployment. The
   * instance answers once its drain is over, failed or not (a cluster map it could not clean up,
   * say): waiting out the grace for it would only delay the rest of the stop.
   */
  public static MessageConsumer<Object> answerWith(Vertx vertx, String nodeId, Supplier<Future<Void>> drain) {
    return InstanceQuery.answerWith(vertx, ADDRESS + nodeId, () -> drain.get().otherwiseEmpty().map(v -> new JsonObject()));
  }

  /**
   * Drains every instance's bridge. Call it on an event loop.
   *
   * @param grace how long the instances wait at most for their clients to take their farewell
   * @return how many of the {@code instances} finished draining in time
   */
  public static Future<Integer> drainAll(Vertx vertx, String nodeId, int instances, Duration grace) {
    return InstanceQuery.ask(vertx, ADDRESS + nodeId, instances, grace.plus(ANSWER_MARGIN)).map(List::size);
  }
}
