package io.herald.bridge.transport.sockjs;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.register;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

/** The frame protocol over SockJS's websocket transport, {@code /eventbus/<server>/<session>/websocket}. */
class SockJsWebSocketTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.sockJsWebSocket(vertx, port);
  }

  /** The stock vertx-eventbus.js client expects neither a welcome nor an answer to its pings. */
  @Test
  void noWelcomeAndPingIsNotAnswered(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(new JsonObject().put("type", "ping"))
        .compose(v -> c.send(register("public.after-ping", "after")))
        .compose(v -> c.next(ack("after")))
        .map(ack -> {
          assertEquals(1, c.history().size(), () -> "history: " + c.history());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
