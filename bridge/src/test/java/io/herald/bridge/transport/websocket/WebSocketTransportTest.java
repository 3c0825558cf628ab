package io.herald.bridge.transport.websocket;

import static io.herald.bridge.support.ProtocolFrames.assertError;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.stillWorks;
import static io.herald.bridge.support.ProtocolFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.OversizedFrameClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

/** The frame protocol over a raw WebSocket at {@code /ws}, and what only that transport does. */
class WebSocketTransportTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.webSocket(vertx, port);
  }

  private Future<WebSocketFrameClient> open(Vertx vertx) {
    return WebSocketFrameClient.raw(vertx, server.port(), WebSocketTransport.PATH);
  }

  @Test
  void firstFrameIsTheWelcome(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(c -> c.next(f -> true).map(welcome -> {
      assertEquals("welcome", welcome.getString("type"), welcome::encode);
      assertEquals("websocket", welcome.getString("transport"));
      assertFalse(welcome.getString("connection").isEmpty());
      return null;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void pingIsAnsweredWithPong(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(c -> c.send(new JsonObject().put("type", "ping"))
        .compose(v -> c.next(type("pong")))
        .map(pong -> {
          assertEquals(new JsonObject().put("type", "pong"), pong);
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void binaryFrameIsABadFrameAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(c -> c.sendBinary(Buffer.buffer("{\"type\":\"register\",\"address\":\"public.b\",\"id\":1}"))
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "bad-frame", 400);
          assertNull(e.getValue("ref"), "a binary frame is not read, so nothing in it is echoed");
          return stillWorks(vertx, c);
        })
        .compose(v -> server.stats())
        .map(stats -> {
          assertEquals(0, stats.subscriptions(), "the binary register did nothing");
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * An {@link Authenticator} may answer on a later turn (one that asks an introspection endpoint,
   * say): the upgrade must still complete once it has, with the identity it gave.
   */
  @Test
  void anAuthenticatorThatAnswersLaterStillLetsTheUpgradeComplete(Vertx vertx, VertxTestContext ctx) {
    Authenticator jwt = JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET));
    Authenticator later = token -> vertx.timer(20).compose(t -> jwt.authenticate(token));
    String token = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("alice"));
    BridgeServer.start(vertx, new BridgeOptions(), RULES, later)
        .compose(slow -> WebSocketFrameClient.raw(vertx, slow.port(), WebSocketTransport.PATH + "?access_token=" + token))
        .compose(c -> c.next(f -> true).compose(welcome -> {
          assertEquals("welcome", welcome.getString("type"), welcome::encode);
          assertEquals("alice", welcome.getString("user"), welcome::encode);
          // and the socket reads what the client sends
          return c.send(new JsonObject().put("type", "ping")).compose(v -> c.next(type("pong")));
        }))
        .<Void>mapEmpty()
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void messageOverTheLimitClosesWith1009(Vertx vertx, VertxTestContext ctx) {
    BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(1024), RULES)
        .compose(small -> WebSocketFrameClient.raw(vertx, small.port(), WebSocketTransport.PATH))
        .compose(c -> c.sendText("{\"type\":\"publish\",\"address\":\"public.big\",\"body\":\"" + "x".repeat(3000) + "\"}")
            .compose(v -> c.closed().map(closed -> {
              assertEquals(1009, closed.code(), closed::toString);
              assertTrue(c.history().stream().anyMatch(err("too-large")), () -> "history: " + c.history());
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void fragmentedMessageOverTheLimitClosesWith1009(Vertx vertx, VertxTestContext ctx) {
    String part = "x".repeat(600);
    BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(1024), RULES)
        .compose(small -> WebSocketFrameClient.raw(vertx, small.port(), WebSocketTransport.PATH))
        .compose(c -> c.webSocket().writeFrame(WebSocketFrame.textFrame("{\"type\":\"ping\",\"pad\":\"" + part, false))
            .compose(v -> c.webSocket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), false)))
            .compose(v -> c.webSocket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part + "\"}"), true)))
            .compose(v -> c.closed().map(closed -> {
              assertEquals(1009, closed.code(), closed::toString);
              assertTrue(c.history().stream().anyMatch(err("too-large")), () -> "history: " + c.history());
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A frame over the limit is refused at its header, while the client is still sending it. The
   * node closed the TCP connection as soon as its close frame was written, so the rest of the
   * frame met a closed socket, answered with a reset. A browser still writing its 200 KB frame
   * then lost the {@code too-large} error and close frame it had not read yet, saw 1006 and
   * reconnected to send the same frame again. The node must go on reading (and dropping) what the
   * client sends until the client ends its side: here the client finishes its frame well after the
   * close frame came, in two writes (the second fails once a reset came back from the first).
   */
  @Test
  void aFrameOverTheLimitIsRefusedWithoutResettingTheConnection(Vertx vertx) throws Exception {
    BridgeServer small = Http.await(BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(1024), RULES));
    OversizedFrameClient.Received received = OversizedFrameClient.send(small.port(), WebSocketTransport.PATH);
    assertTrue(received.texts().stream().anyMatch(t -> t.contains("\"too-large\"")), received::toString);
    assertEquals(1009, received.closeCode(), received::toString);
  }
}
