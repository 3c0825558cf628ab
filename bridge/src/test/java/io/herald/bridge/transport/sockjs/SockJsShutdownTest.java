package io.herald.bridge.transport.sockjs;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.register;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bridge shutting down tells SockJS clients to reconnect elsewhere: an {@code err} frame
 * {@code shutdown} with failure code 1012 ("service restart"), then the close. The raw endpoint
 * carries 1012 as its close code too; vertx-web's session transports close with codes of their own,
 * so their clients read the reason from the frame.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SockJsShutdownTest {

  @Test
  void rawWebSocketGetsTheFarewellAndCloseCode1012(Vertx vertx, VertxTestContext ctx) {
    shutdownSeenBy(vertx, FrameClient::sockJsRawWebSocket, 1012).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sessionWebSocketGetsTheFarewellFrame(Vertx vertx, VertxTestContext ctx) {
    shutdownSeenBy(vertx, FrameClient::sockJsWebSocket, null).onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> shutdownSeenBy(Vertx vertx, BiFunction<Vertx, Integer, Future<FrameClient>> connect,
      Integer closeCode) {
    return BridgeServer.start(vertx, new BridgeOptions(), new AllowListRules(List.of("public.*")))
        .compose(server -> connect.apply(vertx, server.port())
            .compose(c -> c.send(register("public.news", "r1"))
                .compose(v -> c.next(ack("r1")))
                .compose(v -> server.undeploy())
                .compose(v -> c.next(err("shutdown")))
                .compose(farewell -> {
                  assertEquals(1012, farewell.getInteger("failureCode"), farewell::encode);
                  assertEquals("RECONNECT", farewell.getString("failureType"), farewell::encode);
                  return c.closed();
                })
                .map(closed -> {
                  if (closeCode != null) {
                    assertEquals(closeCode, closed.code(), closed::toString);
                  }
                  return (Void) null;
                })));
  }
}
