package io.herald.bridge.auth;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Http.statsUntil;
import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.assertAck;
import static io.herald.bridge.support.ProtocolFrames.assertError;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.Tokens.Claims;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live connections end when their token expires (the bridge checks every second), unless a WebSocket
 * or SockJS client refreshes it in time with a token for the same user.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokenExpiryTest {

  @TempDir
  Path keys;

  private Vertx vertx;
  private Tokens tokens;
  private BridgeServer server;
  private final List<Supplier<Future<?>>> toClose = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.tokens = Tokens.create(vertx, keys);
    server = await(BridgeServer.start(vertx, new BridgeOptions(), RuleSet.defaults(),
        // No leeway, so a connection ends exactly at exp (the leeway would be added to it).
        JwtAuthenticator.create(vertx, new JwtSettings(Tokens.SECRET, java.util.List.of(), null, null, java.util.List.of(), java.time.Duration.ZERO))));
  }

  @AfterEach
  void nothingIsLeft() {
    for (Supplier<Future<?>> closer : toClose) {
      try {
        await(closer.get().otherwiseEmpty());
      } catch (RuntimeException e) {
        // already gone
      }
    }
    BridgeStats stats = statsUntil(server, s -> s.connections() == 0 && s.subscriptions() == 0 && s.consumers() == 0);
    assertEquals(0, stats.connections(), stats::toString);
    assertEquals(0, stats.subscriptions(), stats::toString);
    assertEquals(0, stats.consumers(), stats::toString);
  }

  /**
   * The life of the tokens that expire during a test. What the test does before its token expires
   * must fit in it with room to spare: exp has whole seconds, so a token lives up to a second less,
   * and the first connection of a cold JVM loads the HTTP, transport and JWT classes (over 2 s on a
   * loaded two-core machine, where 3 s tokens expired before their stream was even open).
   */
  private static final Duration SHORT = Duration.ofSeconds(7);

  /** Alice's token, expiring {@link #SHORT} from now. */
  private static Claims shortLived(String sub) {
    return sub(sub).groups("team").expiresIn(SHORT);
  }

  private static long expiresAtMillis(String token) {
    String payload = token.split("\\.")[1];
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(payload))).getLong("exp") * 1000;
  }

  private FrameClient track(FrameClient client) {
    toClose.add(client::close);
    return client;
  }

  private JsonObject registered(FrameClient client, String address) {
    String id = "reg-" + address;
    await(client.send(register(address, id)));
    return assertAck(await(client.next(ack(id))), id, "register", address);
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  private void assertExpiredAndClosed(FrameClient client, long expiresAt) {
    assertExpiredAndClosed(client, expiresAt, 4001);
  }

  private void assertExpiredAndClosed(FrameClient client, long expiresAt, int closeCode) {
    FrameClient.Closed closed = await(client.closed());
    assertTrue(System.currentTimeMillis() >= expiresAt, "closed before the token expired");
    assertEquals(closeCode, closed.code(), () -> closed + " after " + client.history());
    JsonObject farewell = client.history().stream().filter(err("token-expired")).findFirst()
        .orElseThrow(() -> new AssertionError("no token-expired err frame before the close: " + client.history()));
    assertEquals(4001, farewell.getInteger("failureCode"), farewell.encode());
  }

  @Test
  void sseEndsWithATokenExpiredEvent() {
    String token = tokens.hs256(shortLived("alice"));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    SseClient sse = await(SseClient.connect(http, server.port(), "/sse?address=user.alice&access_token=" + token));
    toClose.add(sse::close);
    await(sse.connected());
    vertx.eventBus().publish("user.alice", new JsonObject().put("before", "expiry"));
    await(sse.nth("message", 1));
    await(sse.ended());
    assertTrue(System.currentTimeMillis() >= expiresAtMillis(token), "ended before the token expired");
    List<SseClient.Event> events = sse.events();
    SseClient.Event last = events.get(events.size() - 1);
    assertEquals("token-expired", last.type(), events::toString);
    assertEquals(new JsonObject().put("code", "token-expired").put("reconnect", true), new JsonObject(last.data()));
  }

  @Test
  void webSocketGetsTokenExpiredThenClose4001() {
    String token = tokens.hs256(shortLived("alice"));
    FrameClient ws = track(await(io.herald.bridge.support.WebSocketFrameClient.raw(vertx, server.port(), "/ws?access_token=" + token)));
    registered(ws, "user.alice");
    assertExpiredAndClosed(ws, expiresAtMillis(token));
  }

  /**
   * The farewell frame carries 4001; the SockJS close frame itself is {@code c[3000,"Go away!"]}:
   * vertx-web's SockJS sessions ignore the code given to {@code close(code, reason)}.
   */
  @Test
  void sockJsWebSocketGetsTokenExpiredThenCloses() {
    String token = tokens.hs256(shortLived("alice"));
    FrameClient sockJs = track(await(FrameClient.sockJsWebSocket(vertx, server.port(), "access_token=" + token)));
    registered(sockJs, "user.alice");
    assertExpiredAndClosed(sockJs, expiresAtMillis(token), 3000);
  }

  @Test
  void sockJsRawWebSocketGetsTokenExpiredThenClose4001() {
    String token = tokens.hs256(shortLived("alice"));
    FrameClient raw = track(await(io.herald.bridge.support.WebSocketFrameClient.raw(vertx, server.port(),
        "/eventbus/websocket?access_token=" + token)));
    registered(raw, "user.alice");
    assertExpiredAndClosed(raw, expiresAtMillis(token));
  }

  @Test
  void anAuthFrameWithAFreshTokenKeepsTheWebSocketOpen() throws Exception {
    String first = tokens.hs256(shortLived("alice"));
    FrameClient ws = track(await(FrameClient.webSocket(vertx, server.port())));
    await(ws.send(new JsonObject().put("type", "auth").put("token", first).put("id", "a1")));
    assertEquals(expiresAtMillis(first), await(ws.next(ack("a1"))).getLong("expiresAt"));
    registered(ws, "user.alice");
    String fresh = tokens.hs256(sub("alice").groups("team").expiresIn(Duration.ofMinutes(5)));
    await(ws.send(new JsonObject().put("type", "auth").put("token", fresh).put("id", "a2")));
    JsonObject refreshed = await(ws.next(ack("a2")));
    assertEquals("auth", refreshed.getString("op"));
    assertEquals(expiresAtMillis(fresh), refreshed.getLong("expiresAt"));

    sleepUntil(expiresAtMillis(first) + 2_500);
    assertFalse(ws.closed().isComplete(), () -> "closed: " + ws.history());
    vertx.eventBus().publish("user.alice", new JsonObject().put("after", "refresh"));
    assertEquals(new JsonObject().put("after", "refresh"), await(ws.next(rec("user.alice"))).getJsonObject("body"));
    assertTrue(ws.history().stream().noneMatch(err("token-expired")), ws.history()::toString);
    assertEquals(1, await(server.stats()).connections());
  }

  @Test
  void sockJsFrameHeadersWithAFreshTokenKeepTheSessionOpen() throws Exception {
    String first = tokens.hs256(shortLived("alice"));
    FrameClient xhr = track(await(FrameClient.sockJsXhrPolling(vertx, server.port())));
    await(xhr.send(register("user.alice", "r1").put("headers", new JsonObject().put("Authorization", "Bearer " + first))));
    await(xhr.next(ack("r1")));
    String fresh = tokens.hs256(sub("alice").groups("team").expiresIn(Duration.ofMinutes(5)));
    await(xhr.send(register("public.refresh", "r2").put("headers", new JsonObject().put("Authorization", "Bearer " + fresh))));
    await(xhr.next(ack("r2")));

    sleepUntil(expiresAtMillis(first) + 2_500);
    vertx.eventBus().publish("user.alice", new JsonObject().put("after", "refresh"));
    assertEquals(new JsonObject().put("after", "refresh"), await(xhr.next(rec("user.alice"))).getJsonObject("body"));
    assertFalse(xhr.closed().isComplete(), () -> "closed: " + xhr.history());
  }

  @Test
  void aRefreshForAnotherUserIsRefusedAndTheOldExpiryStands() {
    String alice = tokens.hs256(shortLived("alice"));
    FrameClient ws = track(await(io.herald.bridge.support.WebSocketFrameClient.raw(vertx, server.port(), "/ws?access_token=" + alice)));
    String bob = tokens.hs256(sub("bob").roles("publisher").expiresIn(Duration.ofMinutes(5)));
    await(ws.send(new JsonObject().put("type", "auth").put("token", bob).put("id", "takeover")));
    JsonObject refused = await(ws.next(f -> "takeover".equals(f.getValue("ref"))));
    assertError(refused, "forbidden", 403);
    assertFalse(refused.encode().contains(bob), refused.encode());

    // Still alice: her address is hers, bob's is not, and bob's role did not stick.
    registered(ws, "user.alice");
    await(ws.send(register("user.bob", "bob")));
    assertError(await(ws.next(f -> "bob".equals(f.getValue("ref")))), "forbidden", 403);
    await(ws.send(io.herald.bridge.support.ProtocolFrames.publish("user.alice", "x", "pub")));
    assertError(await(ws.next(f -> "pub".equals(f.getValue("ref")))), "forbidden", 403);

    assertExpiredAndClosed(ws, expiresAtMillis(alice));
  }

  @Test
  void aRefreshThatLosesAGroupDropsThatSubscription() {
    String both = tokens.hs256(sub("alice").groups("ops", "team").expiresIn(Duration.ofMinutes(5)));
    FrameClient ws = track(await(FrameClient.webSocket(vertx, server.port())));
    await(ws.send(new JsonObject().put("type", "auth").put("token", both).put("id", "a1")));
    await(ws.next(ack("a1")));
    registered(ws, "group.ops");
    registered(ws, "group.team");
    // The two groups and alice's own user channel, which a refresh for alice keeps.
    assertEquals(3, await(server.stats()).subscriptions());

    String teamOnly = tokens.hs256(sub("alice").groups("team").expiresIn(Duration.ofMinutes(5)));
    await(ws.send(new JsonObject().put("type", "auth").put("token", teamOnly).put("id", "a2")));
    JsonObject dropped = assertError(await(ws.next(err("forbidden"))), "forbidden", 403);
    assertEquals("group.ops", dropped.getString("address"), dropped.encode());
    assertTrue(dropped.getString("message").contains("group.ops"), dropped.encode());
    await(ws.next(ack("a2")));
    assertEquals(2, await(server.stats()).subscriptions());

    vertx.eventBus().publish("group.ops", new JsonObject().put("to", "ops"));
    vertx.eventBus().publish("group.team", new JsonObject().put("to", "team"));
    await(ws.next(rec("group.team")));
    assertTrue(ws.history().stream().noneMatch(rec("group.ops")), ws.history()::toString);
    assertTrue(ws.history().stream().filter(err("forbidden")).count() == 1, ws.history()::toString);
  }

  /**
   * A group the client joined itself (a join frame, which its token's groups claim allowed) is like a
   * subscription: a refresh that no longer allows it ends it. A group the server joined it to stays.
   */
  @Test
  void aRefreshThatLosesAGroupEndsTheClientsOwnJoinButNotTheServers() {
    String withOps = tokens.hs256(sub("alice").groups("ops").expiresIn(Duration.ofMinutes(5)));
    FrameClient ws = track(await(io.herald.bridge.support.WebSocketFrameClient.raw(vertx, server.port(), "/ws?access_token=" + withOps)));
    String id = await(ws.next(io.herald.bridge.support.ProtocolFrames.type("welcome"))).getString("connection");
    await(ws.send(new JsonObject().put("type", "join").put("group", "ops").put("id", "j1")));
    await(ws.next(ack("j1")));
    await(io.herald.bridge.HeraldNode.of(vertx).channel().join(id, "board"));
    // The two groups and alice's own user channel.
    assertEquals(3, await(server.stats()).subscriptions());

    String withoutOps = tokens.hs256(sub("alice").expiresIn(Duration.ofMinutes(5)));
    await(ws.send(new JsonObject().put("type", "auth").put("token", withoutOps).put("id", "a2")));
    await(ws.next(ack("a2")));
    JsonObject dropped = assertError(await(ws.next(err("forbidden"))), "forbidden", 403);
    assertEquals("group.ops", dropped.getString("address"), dropped.encode());
    assertEquals(2, await(server.stats()).subscriptions());

    vertx.eventBus().publish("group.ops", new JsonObject().put("to", "ops"));
    vertx.eventBus().publish("group.board", new JsonObject().put("to", "board"));
    await(ws.next(rec("group.board")));
    assertTrue(ws.history().stream().noneMatch(rec("group.ops")), ws.history()::toString);
  }

  /** One SockJS request of a session, made on an event loop; answers with the status and body. */
  private Future<String> sockJs(HttpClient http, String path, String body) {
    io.vertx.core.Promise<String> answer = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> http.request(io.vertx.core.http.HttpMethod.POST, server.port(), "127.0.0.1", path)
        .compose(req -> body == null ? req.send() : req.putHeader("content-type", "text/plain").send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b))
        .onComplete(answer));
    return answer.future();
  }

  /**
   * A SockJS polling client authenticated by an auth frame (its later requests carry no token): once
   * its token expired and the bridge closed the connection, the frames it still sends to the session
   * (which vertx-web keeps open while the farewell waits for a poll) must not act with the expired
   * identity.
   */
  @Test
  void aSockJsConnectionClosedForAnExpiredTokenPublishesNothingMore() throws Exception {
    List<Object> late = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(vertx.eventBus().consumer("public.late", m -> late.add(m.body())).completion());
    // Shorter than SHORT: it must expire before vertx-web times out the session nobody polls (5 s),
    // which would close the connection first. Should it expire before its auth frame is read, the
    // auth is refused, and nothing may be published all the same.
    String token = tokens.hs256(sub("mallory").roles("publisher").expiresIn(Duration.ofSeconds(3)));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    String session = "/eventbus/000/expiry" + System.nanoTime();
    assertTrue(await(sockJs(http, session + "/xhr", null)).startsWith("200 o"));
    String auth = new JsonObject().put("type", "auth").put("token", token).put("id", "a1").encode();
    assertTrue(await(sockJs(http, session + "/xhr_send", new io.vertx.core.json.JsonArray().add(auth).encode())).startsWith("204"));
    // The client does not poll: the bridge closes the connection at expiry, its farewell waiting for a poll.
    BridgeStats stats = statsUntil(server, s -> s.connections() == 0);
    assertEquals(0, stats.connections(), stats::toString);
    assertTrue(System.currentTimeMillis() >= expiresAtMillis(token));
    String publish = new JsonObject().put("type", "publish").put("address", "public.late").put("body", "after expiry").encode();
    String sent = await(sockJs(http, session + "/xhr_send", new io.vertx.core.json.JsonArray().add(publish).encode()));
    Thread.sleep(500);
    assertEquals(List.of(), late, "published through a connection closed for token-expired (xhr_send answered " + sent + ")");
    await(http.close());
  }
}
