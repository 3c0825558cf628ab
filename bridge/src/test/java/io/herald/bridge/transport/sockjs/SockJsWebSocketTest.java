package io.herald.bridge.transport.sockjs;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.err;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
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

  /**
   * A message in frames each under the limit but over it together is refused once it is whole,
   * after vertx-web had shut the session on the same error: the bridge's {@code too-large} farewell
   * found the session closed and was dropped, and the client, told nothing, reconnected to resend it.
   */
  @Test
  void fragmentedMessageOverTheLimitGetsTheFarewell(Vertx vertx, VertxTestContext ctx) {
    String message = new JsonArray().add("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1500) + "\"}").encode();
    BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(1024), RULES)
        .compose(small -> WebSocketFrameClient.sockJs(vertx, small.port(), "/eventbus/000/fragmented/websocket"))
        .compose(c -> c.webSocket().writeFrame(WebSocketFrame.textFrame(message.substring(0, 800), false))
            .compose(v -> c.webSocket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(message.substring(800)), true)))
            .compose(v -> c.closed())
            .map(closed -> {
              assertTrue(c.history().stream().anyMatch(err("too-large")), () -> "history: " + c.history() + ", " + closed);
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
