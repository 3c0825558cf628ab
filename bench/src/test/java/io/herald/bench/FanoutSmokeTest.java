package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.verticles.NodeDeployment;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * W1 in miniature: an in-process Herald, a few hundred subscribers on one address over each
 * transport through the real load generator, a few hundred events. Asserts only that every
 * subscriber got every event, in order; no timing.
 *
 * <p>And W3's generator machinery: a second HTTP verticle on another port of the same node stands in
 * for a second cluster node; subscribers are spread over both ports, the publisher posts to the first
 * (coalescing, as W3's does), and the answer's per-node split must account for every event.
 */
@Timeout(60)
class FanoutSmokeTest {

  static final String SECRET = "smoke-test-secret-0123456789abcdef0123";
  static Vertx server;
  static int port;
  static int secondPort;

  @BeforeAll
  static void startHerald() {
    server = Vertx.vertx();
    // One HTTP verticle instance per deployment, as the benchmark's Herald pinned to one core runs;
    // a second deployment on the same Vert.x gives W3's per-port counting a second port of one node.
    HeraldConfig config = ConfigLoader.load(new String[] {"--http-port", "0", "--ticker", "false", "--access-log", "false",
        "--http-instances", "1"}, Map.of("HERALD_JWT_SECRET", SECRET));
    port = NodeDeployment.deploy(server, config).await().httpPort();
    secondPort = NodeDeployment.deploy(server, config).await().httpPort();
  }

  @AfterAll
  static void stopHerald() {
    server.close().await();
  }

  @ParameterizedTest
  @ValueSource(strings = {"herald-sse", "herald-ws", "herald-sockjs"})
  void everySubscriberGetsEveryEventInOrder(String kind) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      Context context = vertx.getOrCreateContext();
      LoadGenerator generator = new LoadGenerator(vertx);
      int subscribers = 200;
      JsonObject connected = call(context, generator, new JsonObject().put("cmd", "connect").put("kind", kind)
          .put("port", port).put("n", subscribers).put("secret", SECRET).put("readyTimeoutMs", 30_000));
      assertEquals(subscribers, connected.getInteger("ready"), connected.encode());

      JsonObject run = call(context, generator, new JsonObject().put("cmd", "publish")
          .put("rate", 150).put("seconds", 2).put("drainMs", 10_000));
      assertEquals(300, run.getLong("events"), run.encode());
      assertEquals(0, run.getLong("publishErrors"), run.encode());
      assertEquals(300L * subscribers, run.getLong("expected"), run.encode());
      assertEquals(run.getLong("expected"), run.getLong("delivered"), run.encode());
      assertEquals(0, run.getLong("lost"), run.encode());
      assertEquals(0, run.getLong("outOfOrder"), run.encode());
      assertEquals(0, run.getLong("disconnects"), run.encode());
      context.runOnContext(v -> generator.close());
    } finally {
      vertx.close().await();
    }
  }

  /** {@code user.w3} keeps history under the default policy, {@code public.w3} does not. */
  @ParameterizedTest
  @ValueSource(strings = {"public.w3", "user.w3"})
  void subscribersSpreadOverTwoPortsAreCountedPerPort(String address) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      Context context = vertx.getOrCreateContext();
      LoadGenerator generator = new LoadGenerator(vertx);
      int subscribers = 100;
      JsonObject connected = call(context, generator, new JsonObject().put("cmd", "connect").put("kind", "herald-sse")
          .put("ports", new JsonArray().add(port).add(secondPort)).put("publishPort", port)
          .put("address", address).put("sub", "w3").put("n", subscribers).put("secret", SECRET).put("readyTimeoutMs", 30_000));
      assertEquals(subscribers, connected.getInteger("ready"), connected.encode());

      // As W3 publishes: what came due while a request was on its way goes in the next. At 3 events
      // a millisecond and one request at most per tick or answer, requests must carry several.
      int events = 3000;
      JsonObject run = call(context, generator, new JsonObject().put("cmd", "publish")
          .put("rate", events).put("seconds", 1).put("batch", Publisher.COALESCED).put("drainMs", 10_000));
      assertEquals(events, run.getLong("events"), run.encode());
      assertTrue(run.getLong("requests") < events / 2, run.encode());
      assertEquals(0, run.getLong("publishErrors"), run.encode());
      assertEquals(0, run.getLong("lost"), run.encode());
      assertEquals(0, run.getLong("outOfOrder"), run.encode());
      assertEquals((long) events * subscribers, run.getLong("delivered"), run.encode());
      assertEquals((long) events * subscribers / 2, run.getLong("sameDelivered"), run.encode());
      assertEquals((long) events * subscribers / 2, run.getLong("crossDelivered"), run.encode());
      JsonArray nodes = run.getJsonArray("nodes");
      assertEquals(2, nodes.size(), run.encode());
      assertEquals(port, nodes.getJsonObject(0).getInteger("port"), run.encode());
      assertTrue(nodes.getJsonObject(0).getBoolean("publishes"), run.encode());
      assertEquals(subscribers / 2, nodes.getJsonObject(1).getInteger("subscribers"), run.encode());
      assertEquals(0, nodes.getJsonObject(1).getLong("lost"), run.encode());
      context.runOnContext(v -> generator.close());
    } finally {
      vertx.close().await();
    }
  }

  private static JsonObject call(Context context, LoadGenerator generator, JsonObject cmd) {
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> generator.handle(cmd).onComplete(answer));
    return answer.future().await();
  }
}
