package io.herald.verticles.ready;

import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.support.Http;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /health} against a node whose event loop is really blocked: a handler on one HTTP
 * verticle instance's loop sleeps, the node answers 503 naming the event-loops check from its other
 * instance, and 200 again once the loop runs.
 */
@Timeout(90)
class LivenessTest {

  private static final long BLOCK_MS = 6_000;

  private Vertx nodeVertx;
  private NodeDeployment node;
  private Vertx clients;
  private HttpClient http;

  @BeforeEach
  void start() {
    nodeVertx = Vertx.vertx();
    node = await(onLoop(nodeVertx, () -> NodeDeployment.deploy(nodeVertx,
        HeraldCluster.config("--http-instances", "2", "--liveness-timeout", "2s"))));
    clients = Vertx.vertx();
    // A connection per request: the server hands connections to its instances in turn, so one in two
    // probes reaches the instance whose loop still runs.
    http = clients.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() {
    await(clients.close());
    await(nodeVertx.close());
  }

  @Test
  void aBlockedEventLoopFailsHealthNamingTheCheckUntilItRunsAgain() {
    JsonObject up = new JsonObject().put("status", "UP").put("checks", new JsonObject().put("event-loops", "UP"));
    assertEquals(up, healthUntil(reply -> reply.status() == 200).json());
    assertEquals(2, node.eventLoops().watched().size(), "one heartbeat per HTTP verticle instance");

    Context instance = node.eventLoops().watched().get(0).context();
    long blockedAt = System.nanoTime();
    instance.runOnContext(v -> sleep(BLOCK_MS));

    Http.Reply down = healthUntil(reply -> reply.status() == 503);
    assertEquals(new JsonObject().put("status", "DOWN").put("checks", new JsonObject().put("event-loops", "DOWN")), down.json());
    assertEquals(true, System.nanoTime() - blockedAt < TimeUnit.MILLISECONDS.toNanos(BLOCK_MS), "seen while the loop was blocked");

    assertEquals(up, healthUntil(reply -> reply.status() == 200).json());
    assertEquals(true, System.nanoTime() - blockedAt > TimeUnit.MILLISECONDS.toNanos(BLOCK_MS), "up again once it ran");
  }

  /** Probes until an answer matches; a probe that lands on the blocked loop gets no answer in time and is retried. */
  private Http.Reply healthUntil(Predicate<Http.Reply> wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    Http.Reply reply = null;
    while (System.nanoTime() < deadline) {
      try {
        reply = probe().await(Http.WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        reply = null;
      }
      if (reply != null && wanted.test(reply)) {
        return reply;
      }
      sleep(100);
    }
    throw new AssertionError("no matching /health answer within " + Http.WAIT_SECONDS + " s; last: "
        + (reply == null ? "none" : reply.status() + " " + reply.body()));
  }

  private Future<Http.Reply> probe() {
    Promise<Http.Reply> reply = Promise.promise();
    clients.runOnContext(v -> http.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", "/health")
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Http.Reply(response.statusCode(), response.getHeader("content-type"), body)))
        .timeout(1, TimeUnit.SECONDS)
        .onComplete(reply));
    return reply.future();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
