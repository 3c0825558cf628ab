package io.herald.bridge.transport.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write queue of a WebSocket connection is replaced on the Vert.x this build uses (a Vert.x
 * upgrade that changes its internals fails here, rather than silently costing 4.7 KB per socket),
 * and Vert.x's own writes (text, ping, close) still reach the client afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class DirectWritesTest {

  @Test
  void vertxWritesGoThroughTheDirectQueue(Vertx vertx, VertxTestContext ctx) {
    assertTrue(DirectWrites.available(), "this Vert.x lets the queue be replaced");
    vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1"))
        .requestHandler(request -> {
          Channel channel = ((ConnectionBase) request.connection()).channel();
          request.toWebSocket().onSuccess(ws -> {
            ctx.verify(() -> assertTrue(DirectWrites.apply(channel), "replaced on the upgraded connection"));
            ws.writePing(io.vertx.core.buffer.Buffer.buffer("p"));
            ws.writeTextMessage("through Vert.x").onSuccess(v -> ws.close((short) 4001, "bye"));
          });
        })
        .listen()
        .compose(server -> {
          WebSocketClient client = vertx.createWebSocketClient();
          return client.connect(server.actualPort(), "127.0.0.1", "/");
        })
        .onSuccess(ws -> {
          StringBuilder got = new StringBuilder();
          ws.textMessageHandler(got::append);
          ws.closeHandler(v -> ctx.verify(() -> {
            assertEquals("through Vert.x", got.toString());
            assertEquals((short) 4001, ws.closeStatusCode());
            ctx.completeNow();
          }));
        })
        .onFailure(ctx::failNow);
  }
}
