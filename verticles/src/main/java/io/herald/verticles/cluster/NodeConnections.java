package io.herald.verticles.cluster;

import io.herald.bridge.BridgeStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A node's client connections, summed over all of its HTTP verticle instances.
 *
 * <p>Each instance owns its bridge and shares nothing with the others, so the count is asked for,
 * not read: the asker publishes on a node-local address, every instance sends its bridge's counts to
 * the asker's one-off reply address, and the asker adds them up once all instances answered (or the
 * timeout passed, and says so with {@code "incomplete":true}).
 */
public final class NodeConnections {

  /** Instances answer a node-local publish at once unless an event loop is stuck; a cluster asker waits longer. */
  public static final Duration GATHER_TIMEOUT = Duration.ofSeconds(1);

  private static final String ADDRESS = "herald.node.connections.";
  private static final String REPLY_TO = "herald-reply-to";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private NodeConnections() {}

  /**
   * Registers an HTTP verticle instance's answer; unregistered with the instance's deployment. The
   * address holds the node's id, so two nodes sharing a Vert.x (as tests may) never mix their counts.
   */
  public static MessageConsumer<Object> answerWith(Vertx vertx, String nodeId, Supplier<BridgeStats> stats) {
    return vertx.eventBus().localConsumer(ADDRESS + nodeId, request -> {
      String replyTo = request.headers().get(REPLY_TO);
      if (replyTo != null) {
        BridgeStats now = stats.get();
        JsonObject counts = new JsonObject()
            .put("connections", now.connections())
            .put("connectionsByTransport", new JsonObject(Map.copyOf(now.connectionsByTransport())))
            .put("subscriptions", now.subscriptions())
            .put("delivered", now.delivered())
            .put("queued", now.queued());
        vertx.eventBus().send(replyTo, counts, LOCAL);
      }
    });
  }

  /**
   * Gathers the counts of {@code instances} HTTP verticle instances. Call it on an event loop: the
   * answers are added up on the caller's context.
   *
   * @return {@code {"connections":n,"connectionsByTransport":{"sse":n,...},"subscriptions":n,"delivered":n,"queued":n}}
   */
  public static Future<JsonObject> gather(Vertx vertx, String nodeId, int instances, Duration timeout) {
    String replyTo = ADDRESS + nodeId + ".reply." + UUID.randomUUID();
    Tally tally = new Tally(instances);
    Promise<JsonObject> done = Promise.promise();
    MessageConsumer<JsonObject> answers = vertx.eventBus().localConsumer(replyTo, answer -> {
      if (tally.add(answer.body())) {
        done.tryComplete(tally.json());
      }
    });
    long timer = vertx.setTimer(timeout.toMillis(), t -> done.tryComplete(tally.json()));
    answers.completion().onSuccess(v -> vertx.eventBus().publish(ADDRESS + nodeId, null,
        new DeliveryOptions(LOCAL).addHeader(REPLY_TO, replyTo)));
    return done.future().andThen(result -> {
      vertx.cancelTimer(timer);
      answers.unregister();
    });
  }

  /** The answers so far; confined to the asker's context. */
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

    /** @return whether every instance has answered */
    boolean add(JsonObject counts) {
      answers++;
      connections += counts.getInteger("connections", 0);
      subscriptions += counts.getLong("subscriptions", 0L);
      delivered += counts.getLong("delivered", 0L);
      queued += counts.getLong("queued", 0L);
      counts.getJsonObject("connectionsByTransport", new JsonObject())
          .forEach(e -> byTransport.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum));
      return answers >= expected;
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
