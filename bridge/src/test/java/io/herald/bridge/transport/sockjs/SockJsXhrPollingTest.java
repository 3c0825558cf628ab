package io.herald.bridge.transport.sockjs;

import static io.herald.bridge.support.ProtocolFrames.assertError;
import static io.herald.bridge.support.ProtocolFrames.stillWorks;
import static io.herald.bridge.support.ProtocolFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The frame protocol over SockJS xhr-polling, and the SockJS endpoints' own limits. */
class SockJsXhrPollingTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.sockJsXhrPolling(vertx, port);
  }

  @Test
  void infoAnnouncesWebSocketSupport(Vertx vertx, VertxTestContext ctx) {
    HttpClient http = vertx.createHttpClient();
    // On an event loop: from the test thread, body() could be asked for after the response ended
    // (a callback on an already completed future runs on the caller's thread) and never complete.
    vertx.runOnContext(v -> http.request(HttpMethod.GET, server.port(), "127.0.0.1", SockJsTransport.PATH + "/info")
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> {
          assertEquals(200, resp.statusCode());
          JsonObject info = body.toJsonObject();
          assertEquals(true, info.getBoolean("websocket"), info::encode);
          return null;
        }))
        .eventually(() -> http.close())
        .onComplete(ctx.succeedingThenComplete()));
  }

  @Test
  void textFrameOverMaxFrameSizeIsTooLarge(Vertx vertx, VertxTestContext ctx) {
    String big = new JsonObject().put("type", "publish").put("address", "public.big")
        .put("body", "x".repeat(BridgeOptions.DEFAULT_MAX_FRAME_SIZE)).encode();
    connect(vertx).compose(c -> c.sendText(big)
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "too-large", 413);
          return stillWorks(vertx, c);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sendBodyOverMaxBodySizeIsRefusedWith413(Vertx vertx, VertxTestContext ctx) {
    String huge = new JsonArray().add("x".repeat(MAX_BODY_SIZE + 1)).encode();
    XhrPollingFrameClient.open(vertx, server.port()).compose(c -> c.xhrSend(huge)
        .compose(answer -> {
          assertEquals(413, answer.status(), answer::toString);
          assertTrue(answer.body().contains("too-large"), answer::toString);
          return stillWorks(vertx, c);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sendToASessionTheServerClosedGetsAJsonNotFound(Vertx vertx, VertxTestContext ctx) {
    // vertx-web keeps a closed session for a few seconds, to answer the client's next poll with its
    // close frame; a send meanwhile must get the same JSON answer as one to a session never opened.
    BridgeOptions quicklyIdle = new BridgeOptions().setIdleTimeout(Duration.ofMillis(500));
    BridgeServer.start(vertx, quicklyIdle, RULES)
        .compose(idling -> XhrPollingFrameClient.open(vertx, idling.port()))
        .compose(c -> c.closed().compose(closed -> c.xhrSend(new JsonArray().add("{\"type\":\"ping\"}").encode())))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(404, answer.status(), answer::toString);
          assertTrue(answer.body().contains("\"code\":\"not-found\""), answer::toString);
          ctx.completeNow();
        })));
  }
}
