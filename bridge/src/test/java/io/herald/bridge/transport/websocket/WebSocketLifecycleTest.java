package io.herald.bridge.transport.websocket;

import static io.herald.bridge.support.ProtocolFrames.FLOOD;
import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.awaitStats;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.floodUntilSlowConsumerClosed;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.SilentWebSocket;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a raw WebSocket connection ends: idle clients, slow clients, and the bridge shutting down. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WebSocketLifecycleTest {

  private static final int IDLE_MS = 600;

  private static Future<BridgeServer> quickHeartbeats(Vertx vertx) {
    BridgeOptions options = new BridgeOptions()
        .setHeartbeatInterval(Duration.ofMillis(100))
        .setIdleTimeout(Duration.ofMillis(IDLE_MS));
    return BridgeServer.start(vertx, options, AllowListRules.defaults());
  }

  @Test
  void silentClientIsClosedForIdleness(Vertx vertx, VertxTestContext ctx) {
    quickHeartbeats(vertx).compose(server -> SilentWebSocket.connect(vertx, server.port(), WebSocketTransport.PATH)
        .compose(silent -> silent.closeCode().map(code -> {
          assertEquals(4003, code);
          assertTrue(silent.pings() > 0, "the server pinged before giving up");
          JsonObject last = new JsonObject(silent.texts().get(silent.texts().size() - 1));
          assertEquals("err", last.getString("type"), last::encode);
          assertEquals("idle-timeout", last.getString("code"), last::encode);
          return null;
        }))
        .compose(v -> awaitStats(vertx, server, s -> s.connections() == 0))
        .map(stats -> {
          assertEquals(1, stats.idleTimeoutCloses());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void clientAnsweringPingsOutlivesTheIdleTimeout(Vertx vertx, VertxTestContext ctx) {
    quickHeartbeats(vertx).compose(server -> WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH)
        .compose(c -> vertx.timer(IDLE_MS * 4L)
            .compose(t -> {
              assertFalse(c.closed().isComplete(), () -> "closed: " + c.closed().result());
              return c.send(new JsonObject().put("type", "ping"));
            })
            .compose(v -> c.next(type("pong"))))
        .compose(pong -> server.stats())
        .map(stats -> {
          assertEquals(1, stats.connections());
          assertEquals(0, stats.idleTimeoutCloses());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Events keep proxies from timing a stream out, so a busy stream is pinged only for liveness:
   * once its client has been silent for half the idle timeout. A client that never answers is
   * still closed at the idle timeout; one that answers pings outlives it.
   */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void busyStreamIsPingedOnlyOnceItsClientHasBeenSilentForHalfTheIdleTimeout(Vertx vertx, VertxTestContext ctx) {
    int beatMs = 200;
    int idleMs = 2000;
    BridgeOptions options = new BridgeOptions()
        .setHeartbeatInterval(Duration.ofMillis(beatMs))
        .setIdleTimeout(Duration.ofMillis(idleMs));
    long publisher = vertx.setPeriodic(10, id -> vertx.eventBus().publish("public.busy", new JsonObject().put("t", id)));
    BridgeServer.start(vertx, options, AllowListRules.defaults()).compose(server ->
        Future.all(SilentWebSocket.connect(vertx, server.port(), WebSocketTransport.PATH),
                WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH))
            .compose(both -> {
              SilentWebSocket silent = both.resultAt(0);
              WebSocketFrameClient answering = both.resultAt(1);
              long registeredAt = System.currentTimeMillis();
              return silent.sendText(register("public.busy", "s").encode())
                  .compose(v -> subscribe(answering, "public.busy", "a"))
                  .compose(v -> silent.closeCode())
                  .compose(code -> {
                    assertEquals(4003, code, "the silent client is closed for idleness, events or not");
                    assertTrue(silent.texts().stream().anyMatch(t -> t.contains("\"rec\"")), "the silent client had events");
                    // The first beat after the subscription may find no event yet; every later one
                    // finds some, so no ping until half the idle timeout has passed.
                    long early = silent.pingTimes().stream()
                        .filter(t -> t > registeredAt + 2L * beatMs && t < registeredAt + idleMs / 2)
                        .count();
                    assertEquals(0, early, () -> "pings at " + silent.pingTimes() + ", subscribed at " + registeredAt);
                    assertTrue(silent.pings() > 0, "the silent client was asked before it was closed");
                    return vertx.timer(idleMs);
                  })
                  .compose(t -> {
                    assertFalse(answering.closed().isComplete(), () -> "closed: " + answering.closed().result());
                    return server.stats();
                  })
                  .map(stats -> {
                    assertEquals(1, stats.connections(), stats::toString);
                    assertEquals(1, stats.idleTimeoutCloses(), stats::toString);
                    return null;
                  });
            }))
        .onComplete(ar -> vertx.cancelTimer(publisher))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void slowConsumerIsClosedWhileOthersKeepReceiving(Vertx vertx, VertxTestContext ctx) {
    BridgeOptions options = new BridgeOptions().setQueueSize(4);
    BridgeServer.start(vertx, options, AllowListRules.defaults()).compose(server ->
        Future.all(WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH),
                WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH))
            .compose(both -> {
              WebSocketFrameClient slow = both.resultAt(0);
              WebSocketFrameClient fast = both.resultAt(1);
              return subscribe(slow, "slow").compose(v -> subscribe(fast, "fast"))
                  .compose(v -> {
                    slow.webSocket().pause();
                    return floodUntilSlowConsumerClosed(vertx, server, fast, 4000);
                  })
                  .compose(stats -> {
                    assertEquals(1, stats.slowConsumerCloses());
                    assertEquals(1, stats.connections(), stats::toString);
                    assertEquals(1, stats.subscriptions(), stats::toString);
                    vertx.eventBus().publish(FLOOD, new JsonObject().put("i", -1));
                    return fast.next(f -> rec(FLOOD).test(f) && f.getJsonObject("body").getInteger("i") == -1);
                  })
                  .compose(v -> {
                    // Once it reads again, the slow client learns why it was closed.
                    slow.forget();
                    slow.webSocket().resume();
                    return slow.next(err("slow-consumer")).compose(e -> slow.closed());
                  })
                  .compose(closed -> {
                    assertEquals(4002, closed.code(), closed::toString);
                    return fast.close();
                  })
                  .compose(v -> awaitStats(vertx, server, s -> s.connections() == 0))
                  .map(stats -> {
                    assertEquals(0, stats.consumers(), stats::toString);
                    assertEquals(0, stats.subscriptions(), stats::toString);
                    return null;
                  });
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void undeployingTheBridgeClosesClientsWith1012ServiceRestart(Vertx vertx, VertxTestContext ctx) {
    quickHeartbeats(vertx).compose(server -> WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH)
        .compose(c -> subscribe(c, "bye")
            .compose(v -> server.undeploy())
            .compose(v -> c.closed())
            .map(closed -> {
              assertEquals(1012, closed.code(), closed::toString);
              assertTrue(c.history().stream().anyMatch(err("shutdown")), () -> "history: " + c.history());
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aWebSocketWhoseHandshakeEndsAfterTheDrainBeganIsClosedWith1012AndHoldsNothing(Vertx vertx, VertxTestContext ctx) {
    quickHeartbeats(vertx).compose(server -> {
      // The upgrade has passed whatever gate the application has (a node's DrainGate) before the
      // drain begins, and reaches the bridge once it has begun: a token checked meanwhile, say.
      // (Paused, or the upgrade could not be completed after an asynchronous step.)
      server.router().route(WebSocketTransport.PATH).order(-1).handler(rc -> {
        rc.request().pause();
        server.drain(Duration.ofSeconds(1)).onComplete(drained -> rc.next());
      });
      return WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH)
          .compose(c -> c.next(f -> true).compose(first -> {
            assertTrue(err("shutdown").test(first), () -> "the first frame: " + first.encode());
            return c.closed();
          }))
          .map(closed -> {
            assertEquals(1012, closed.code(), closed::toString);
            return null;
          })
          .compose(v -> awaitStats(vertx, server, s -> s.connections() == 0))
          .map(stats -> {
            assertEquals(0, stats.consumers(), stats::toString);
            assertEquals(0, stats.subscriptions(), stats::toString);
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> subscribe(FrameClient client, String id) {
    return subscribe(client, FLOOD, id);
  }

  private static Future<Void> subscribe(FrameClient client, String address, String id) {
    return client.send(register(address, id)).compose(v -> client.next(ack(id))).mapEmpty();
  }
}
