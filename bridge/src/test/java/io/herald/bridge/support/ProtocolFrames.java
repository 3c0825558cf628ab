package io.herald.bridge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.herald.bridge.BridgeStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Client frames, matchers for server frames, and the checks the frame-protocol tests share. */
public final class ProtocolFrames {

  private static final AtomicLong ALIVE = new AtomicLong();

  private ProtocolFrames() {}

  public static JsonObject register(String address, Object id) {
    return withId(new JsonObject().put("type", "register").put("address", address), id);
  }

  public static JsonObject unregister(String address, Object id) {
    return withId(new JsonObject().put("type", "unregister").put("address", address), id);
  }

  public static JsonObject publish(String address, Object body, Object id) {
    return withId(new JsonObject().put("type", "publish").put("address", address).put("body", body), id);
  }

  public static JsonObject send(String address, Object body, Object id) {
    return withId(new JsonObject().put("type", "send").put("address", address).put("body", body), id);
  }

  public static JsonObject request(String address, Object body, String replyAddress) {
    return send(address, body, null).put("replyAddress", replyAddress);
  }

  private static JsonObject withId(JsonObject frame, Object id) {
    return id == null ? frame : frame.put("id", id);
  }

  public static Predicate<JsonObject> type(String type) {
    return f -> type.equals(f.getValue("type"));
  }

  public static Predicate<JsonObject> ack(Object ref) {
    return f -> "ack".equals(f.getValue("type")) && ref.equals(f.getValue("ref"));
  }

  public static Predicate<JsonObject> rec(String address) {
    return f -> "rec".equals(f.getValue("type")) && address.equals(f.getValue("address"));
  }

  public static Predicate<JsonObject> err(String code) {
    return f -> "err".equals(f.getValue("type")) && code.equals(f.getValue("code"));
  }

  /** Asserts the shape of a protocol error: Herald's code plus the stock client's failure fields. */
  public static JsonObject assertError(JsonObject frame, String code, int status) {
    assertEquals("err", frame.getString("type"), frame.encode());
    assertEquals(code, frame.getString("code"), frame.encode());
    assertEquals(code, frame.getString("failureType"), frame.encode());
    assertEquals(status, frame.getInteger("failureCode"), frame.encode());
    assertNotNull(frame.getString("message"), frame.encode());
    assertFalse(frame.getString("message").isEmpty(), frame.encode());
    return frame;
  }

  /** Asserts an acknowledgement of a register, unregister or send. */
  public static JsonObject assertAck(JsonObject frame, Object ref, String op, String address) {
    assertEquals("ack", frame.getString("type"), frame.encode());
    assertEquals(ref, frame.getValue("ref"), frame.encode());
    assertEquals(op, frame.getString("op"), frame.encode());
    assertEquals(address, frame.getString("address"), frame.encode());
    return frame;
  }

  /**
   * Proves the connection still works both ways: a fresh subscription is acknowledged, receives a
   * bus publish, and is acknowledged away again.
   */
  public static Future<Void> stillWorks(Vertx vertx, FrameClient client) {
    long n = ALIVE.incrementAndGet();
    String address = "public.alive." + n;
    return client.send(register(address, "alive-" + n))
        .compose(v -> client.next(ack("alive-" + n)))
        .compose(ack -> {
          assertAck(ack, "alive-" + n, "register", address);
          vertx.eventBus().publish(address, new JsonObject().put("alive", n));
          return client.next(rec(address));
        })
        .compose(rec -> {
          assertEquals(new JsonObject().put("alive", n), rec.getJsonObject("body"));
          return client.send(unregister(address, "alive-off-" + n));
        })
        .compose(v -> client.next(ack("alive-off-" + n)))
        .map(ack -> {
          assertAck(ack, "alive-off-" + n, "unregister", address);
          return null;
        });
  }

  /** {@code POST /api/publish}; asserts the 202 and returns the ids assigned. */
  public static Future<JsonArray> httpPublish(Vertx vertx, int port, Object body) {
    HttpClient http = vertx.createHttpClient();
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/api/publish")
        .compose(req -> req.putHeader("content-type", "application/json").send(body.toString()))
        .compose(resp -> resp.body().map(b -> {
          assertEquals(202, resp.statusCode(), b.toString());
          return b.toJsonObject().getJsonArray("ids");
        }))
        .eventually(() -> http.close());
  }

  /**
   * Reads the bridge's stats until they match, a bounded number of times: closes travel from the
   * client's socket to the bridge's event loop, so releases are observed shortly after a close.
   */
  public static Future<BridgeStats> awaitStats(Vertx vertx, BridgeServer server, Predicate<BridgeStats> match) {
    return awaitStats(vertx, server, match, 200);
  }

  private static Future<BridgeStats> awaitStats(Vertx vertx, BridgeServer server, Predicate<BridgeStats> match, int attempts) {
    return server.stats().compose(stats -> {
      if (match.test(stats)) {
        return Future.succeededFuture(stats);
      }
      if (attempts <= 1) {
        return Future.failedFuture(new AssertionError("stats never matched; last: " + stats));
      }
      return vertx.timer(50).compose(t -> awaitStats(vertx, server, match, attempts - 1));
    });
  }

  /** The address {@link #floodUntilSlowConsumerClosed} publishes on. */
  public static final String FLOOD = "public.flood";
  private static final String FLOOD_PAD = "x".repeat(32 * 1024);

  /**
   * Publishes 32 KB events on {@link #FLOOD} one at a time, each once {@code fast} has it (so only a
   * paused client falls behind), until the bridge has closed a slow consumer; fails after
   * {@code maxEvents}.
   */
  public static Future<BridgeStats> floodUntilSlowConsumerClosed(Vertx vertx, BridgeServer server, FrameClient fast, int maxEvents) {
    return flood(vertx, server, fast, 0, maxEvents);
  }

  private static Future<BridgeStats> flood(Vertx vertx, BridgeServer server, FrameClient fast, int i, int maxEvents) {
    if (i >= maxEvents) {
      return server.stats().compose(stats -> Future.failedFuture(new AssertionError(
          "no slow consumer was closed after " + i + " events of 32 KB to a client that reads nothing: " + stats)));
    }
    vertx.eventBus().publish(FLOOD, new JsonObject().put("i", i).put("pad", FLOOD_PAD));
    return fast.next(f -> rec(FLOOD).test(f) && f.getJsonObject("body").getInteger("i") == i)
        .compose(received -> {
          fast.forget();
          return i % 8 == 7 ? server.stats() : Future.succeededFuture(null);
        })
        .compose(stats -> stats != null && stats.slowConsumerCloses() > 0
            ? Future.succeededFuture(stats)
            : flood(vertx, server, fast, i + 1, maxEvents));
  }
}
