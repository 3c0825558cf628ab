package io.herald.verticles.cluster;

import io.herald.bridge.BridgeStats;
import io.herald.verticles.node.InstanceQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A node's client connections, summed over all of its HTTP verticle instances ({@link InstanceQuery}:
 * each instance owns its bridge, so the counts are asked for, not read). When an instance did not
 * answer in time, the sum says so with {@code "incomplete":true}.
 */
public final class NodeConnections {

  /** Instances answer a node-local publish at once unless an event loop is stuck; a cluster asker waits longer. */
  public static final Duration GATHER_TIMEOUT = Duration.ofSeconds(1);

  private static final String ADDRESS = "herald.node.connections.";

  private NodeConnections() {}

  /** Registers an HTTP verticle instance's answer; unregistered with the instance's deployment. */
  public static MessageConsumer<Object> answerWith(Vertx vertx, String nodeId, Supplier<BridgeStats> stats) {
    return InstanceQuery.answerWith(vertx, ADDRESS + nodeId, () -> {
      BridgeStats now = stats.get();
      return Future.succeededFuture(new JsonObject()
          .put("connections", now.connections())
          .put("connectionsByTransport", new JsonObject(Map.copyOf(now.connectionsByTransport())))
          .put("subscriptions", now.subscriptions())
          .put("delivered", now.delivered())
          .put("queued", now.queued()));
    });
  }

  /**
   * Gathers the counts of {@code instances} HTTP verticle instances. Call it on an event loop.
   *
   * @return {@code {"connections":n,"connectionsByTransport":{"sse":n,...},"subscriptions":n,"delivered":n,"queued":n}}
   */
  public static Future<JsonObject> gather(Vertx vertx, String nodeId, int instances, Duration timeout) {
    return InstanceQuery.ask(vertx, ADDRESS + nodeId, instances, timeout).map(answers -> {
      Tally tally = new Tally(instances);
      answers.forEach(tally::add);
      return tally.json();
    });
  }

  /** The answers' sum. */
  private static final class Tally {
    private final int expected;
    private final Map<String, Integer> byTransport = new TreeMap<>();
    private int answers;
    private int connections;
    private long subscriptions;
    private long delivered;
    private long queued;

    Tally(int expected) {
      this.expected = expected;
    }

    void add(JsonObject counts) {
      answers++;
      connections += counts.getInteger("connections", 0);
      subscriptions += counts.getLong("subscriptions", 0L);
      delivered += counts.getLong("delivered", 0L);
      queued += counts.getLong("queued", 0L);
      counts.getJsonObject("connectionsByTransport", new JsonObject())
          .forEach(e -> byTransport.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum));
    }

    JsonObject json() {
      JsonObject json = new JsonObject()
          .put("connections", connections)
          .put("connectionsByTransport", new JsonObject(Map.copyOf(byTransport)))
          .put("subscriptions", subscriptions)
          .put("delivered", delivered)
          .put("queued", queued);
      return answers < expected ? json.put("incomplete", true) : json;
    }
  }
}
