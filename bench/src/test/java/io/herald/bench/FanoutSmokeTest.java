package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.verticles.NodeDeployment;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
 */
@Timeout(60)
class FanoutSmokeTest {

  static final String SECRET = "smoke-test-secret-0123456789abcdef0123";
  static Vertx server;
  static int port;

  @BeforeAll
  static void startHerald() {
    server = Vertx.vertx();
    // One HTTP verticle instance, as the benchmark's Herald pinned to one core runs.
    HeraldConfig config = ConfigLoader.load(new String[] {"--http-port", "0", "--ticker", "false", "--access-log", "false",
        "--http-instances", "1"}, Map.of("HERALD_JWT_SECRET", SECRET));
    port = NodeDeployment.deploy(server, config).await().httpPort();
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

  private static JsonObject call(Context context, LoadGenerator generator, JsonObject cmd) {
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> generator.handle(cmd).onComplete(answer));
    return answer.future().await();
  }
}
