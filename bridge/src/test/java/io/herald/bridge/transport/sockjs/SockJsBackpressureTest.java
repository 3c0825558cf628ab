package io.herald.bridge.transport.sockjs;

import static io.herald.bridge.support.ProtocolFrames.FLOOD;
import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.floodUntilSlowConsumerClosed;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a SockJS session does when events come faster than its transport takes them. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SockJsBackpressureTest {

  private static final String PAD = "x".repeat(1000);

  /**
   * More than vertx-web's session queue (65 536 characters) arrives between two polls: the rest waits
   * in the connection's queue, and must follow with the next polls.
   */
  @Test
  void aBurstLargerThanTheSessionQueueReachesAPollingClientWhole(Vertx vertx, VertxTestContext ctx) {
    int events = 200;
    BridgeServer.start(vertx, new BridgeOptions(), AllowListRules.defaults())
        .compose(server -> FrameClient.sockJsXhrPolling(vertx, server.port()))
        .compose(client -> client.send(register("public.burst", "r1"))
            .compose(v -> client.next(ack("r1")))
            .compose(a -> {
              vertx.runOnContext(v -> {
                for (int i = 0; i < events; i++) {
                  vertx.eventBus().publish("public.burst", new JsonObject().put("i", i).put("pad", PAD));
                }
              });
              return client.next(f -> rec("public.burst").test(f) && f.getJsonObject("body").getInteger("i") == events - 1)
                  .recover(e -> Future.failedFuture(new AssertionError("the last event of the burst never arrived; got "
                      + client.history().stream().filter(rec("public.burst")).count() + " of " + events)));
            })
            .map(last -> {
              List<Integer> got = client.history().stream().filter(rec("public.burst"))
                  .map(f -> f.getJsonObject("body").getInteger("i")).toList();
              assertEquals(IntStream.range(0, events).boxed().toList(), got);
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A client on SockJS's websocket transport stops reading: like a raw WebSocket client, it must be
   * closed as a slow consumer once its queue overflows, not have every event buffered for it.
   */
  @Test
  void aSockJsWebSocketClientThatStopsReadingIsClosedAsSlow(Vertx vertx, VertxTestContext ctx) {
    BridgeOptions options = new BridgeOptions().setQueueSize(4);
    BridgeServer.start(vertx, options, AllowListRules.defaults()).compose(server ->
        Future.all(FrameClient.sockJsWebSocket(vertx, server.port()), FrameClient.webSocket(vertx, server.port()))
            .compose(both -> {
              WebSocketFrameClient slow = both.resultAt(0);
              FrameClient fast = both.resultAt(1);
              return subscribe(slow, "s").compose(v -> subscribe(fast, "f"))
                  .compose(v -> {
                    slow.webSocket().pause();
                    return floodUntilSlowConsumerClosed(vertx, server, fast, 1000);
                  })
                  .map(stats -> {
                    assertEquals(1, stats.slowConsumerCloses(), stats::toString);
                    return null;
                  });
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> subscribe(FrameClient client, String id) {
    return client.send(register(FLOOD, id)).compose(v -> client.next(ack(id))).mapEmpty();
  }
}
