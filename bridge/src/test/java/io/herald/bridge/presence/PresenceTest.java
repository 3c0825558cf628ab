package io.herald.bridge.presence;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.type;
import static io.herald.bridge.support.ProtocolFrames.unregister;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.history.Position;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Http.Reply;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.herald.bridge.support.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presence on a standalone node (no cluster, the in-memory store), through real SSE and WebSocket
 * clients, the HTTP API, the bus service and the node's Java API.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PresenceTest {

  private static final String ROOM = "room.lobby";
  private static final AllowListRules RULES = new AllowListRules(List.of("public.*", "user.*", "group.*", "room.*"));

  private Vertx vertx;
  private HttpClient http;
  private HeraldNode node;
  private BridgeServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
    // group.** keeps history (the default policy) and presence: the two must not disturb each other.
    this.node = HeraldNode.install(vertx, HistoryPolicy.defaults(), PresencePolicy.parse("room.**,group.**"));
    this.server = await(BridgeServer.start(vertx, new BridgeOptions(), RULES));
  }

  private SseClient sse(String address) {
    SseClient sse = await(onLoop(() -> SseClient.connect(http, server.port(), "/sse?address=" + address)));
    await(sse.connected());
    return sse;
  }

  /** A raw WebSocket client and its connection id, from its welcome frame. */
  private FrameClient webSocket() {
    return await(onLoop(() -> FrameClient.webSocket(vertx, server.port())));
  }

  private static String connectionId(FrameClient client) {
    return await(client.next(type("welcome"))).getString("connection");
  }

  private void registered(FrameClient client, String address, String ref) {
    await(client.send(register(address, ref)));
    await(client.next(ack(ref)));
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }

  private JsonObject presence(String query) {
    Reply reply = Http.get(http, server.port(), "/api/presence?" + query);
    assertEquals(200, reply.status(), reply.body().toString());
    assertEquals("application/json", reply.contentType());
    return reply.json();
  }

  private long count(String address) {
    return presence("address=" + address + "&count=true").getLong("count");
  }

  /** Polls the count, for what happens after a socket closes (the server learns of it a little later). */
  private long countUntil(String address, long expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    long count = count(address);
    while (count != expected && System.nanoTime() < deadline) {
      sleep(20);
      count = count(address);
    }
    return count;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static JsonObject data(Event event) {
    return new JsonObject(event.data()).getJsonObject("data");
  }

  @Test
  void listsAndCountsWhoIsSubscribedAndAnnouncesJoinsAndLeaves() {
    SseClient watcher = sse(ROOM);
    await(watcher.nth("presence.join", 1));
    assertEquals(1, count(ROOM), "a connection is listed once its own join has come");

    FrameClient ws = webSocket();
    String wsId = connectionId(ws);
    registered(ws, ROOM, "r1");
    JsonObject join = data(await(watcher.nth("presence.join", 2)));
    assertEquals(2, count(ROOM));
    assertEquals(new JsonObject().putNull("user").put("connection", wsId).put("node", node.key()).put("transport", "websocket"), join);

    JsonObject listed = presence("address=" + ROOM);
    assertEquals(ROOM, listed.getString("address"));
    assertEquals(2, listed.getInteger("count"));
    JsonArray members = listed.getJsonArray("members");
    assertEquals(List.of("sse", "websocket"), members.stream().map(m -> ((JsonObject) m).getString("transport")).toList(), "oldest first");
    JsonObject wsEntry = members.getJsonObject(1);
    assertEquals(wsId, wsEntry.getString("connection"));
    assertEquals(node.key(), wsEntry.getString("node"));
    assertTrue(wsEntry.getLong("since") > 0);
    assertEquals(new JsonObject().put("address", ROOM).put("count", 2), presence("address=" + ROOM + "&count=true"), "no list when counting");

    // Registering twice is one presence.
    registered(ws, ROOM, "r2");
    assertEquals(2, count(ROOM));

    await(ws.send(unregister(ROOM, "u1")));
    await(ws.next(ack("u1")));
    JsonObject leave = data(await(watcher.nth("presence.leave", 1)));
    assertEquals(wsId, leave.getString("connection"));
    assertEquals(1, countUntil(ROOM, 1));

    registered(ws, ROOM, "r3");
    await(watcher.nth("presence.join", 3));
    await(ws.close());
    assertEquals(wsId, data(await(watcher.nth("presence.leave", 2))).getString("connection"), "a disconnect leaves");
    assertEquals(1, countUntil(ROOM, 1));

    await(watcher.close());
    assertEquals(0, countUntil(ROOM, 0));
    assertEquals(List.of(), presence("address=" + ROOM).getJsonArray("members").getList());
    assertEquals(3, watcher.events("presence.join").size(), "its own join, and the WebSocket's two");
  }

  @Test
  void presenceEventsOnAnAddressWithHistoryAreLiveOnlyAndLeaveItsPositionsAlone() {
    String team = "group.team";
    SseClient watcher = sse(team);
    publish(team, 1);
    await(watcher.nth("message", 1));
    String cursor = watcher.lastEventId();

    FrameClient ws = webSocket();
    registered(ws, team, "r1");
    Event join = await(watcher.nth("presence.join", 2));
    assertEquals(cursor, watcher.lastEventId(), "a presence event does not move the stream's cursor");
    assertNull(Position.parse(new JsonObject(join.data()).getString("id")), "a presence event has no position");
    await(ws.close());
    await(watcher.nth("presence.leave", 1));
    publish(team, 2);
    Event second = await(watcher.nth("message", 2));
    assertEquals(2, Position.parse(second.id()).seq(), "positions go on without a gap");

    JsonArray history = Http.get(http, server.port(), "/api/history?address=" + team).json().getJsonArray("events");
    assertEquals(List.of("message", "message"), history.stream().map(e -> ((JsonObject) e).getString("type")).toList(),
        "presence events are not in history");
  }

  @Test
  void anAnonymousConnectionThatAuthenticatesIsListedAsItsUser() {
    BridgeServer withTokens = await(BridgeServer.start(vertx, new BridgeOptions(), RULES,
        JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
    SseClient watcher = await(onLoop(() -> SseClient.connect(http, withTokens.port(), "/sse?address=" + ROOM)));
    await(watcher.connected());
    FrameClient ws = await(onLoop(() -> FrameClient.webSocket(vertx, withTokens.port())));
    String wsId = connectionId(ws);
    registered(ws, ROOM, "r1");
    assertNull(data(await(watcher.nth("presence.join", 2))).getValue("user"));

    String token = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("alice").expiresIn(java.time.Duration.ofHours(1)));
    await(ws.send(new JsonObject().put("type", "auth").put("token", token).put("id", "a1")));
    JsonObject left = data(await(watcher.nth("presence.leave", 1)));
    JsonObject joined = data(await(watcher.nth("presence.join", 3)));
    assertEquals(wsId, left.getString("connection"));
    assertNull(left.getValue("user"));
    assertEquals(wsId, joined.getString("connection"));
    assertEquals("alice", joined.getString("user"));
    List<String> users = presence("address=" + ROOM).getJsonArray("members").stream()
        .map(m -> ((JsonObject) m).getString("user")).toList();
    assertTrue(users.contains("alice") && users.size() == 2, users.toString());
    await(ws.close());
    await(watcher.close());
  }

  @Test
  void publishersCannotForgePresenceEvents() {
    Reply reply = Http.post(http, server.port(), "/api/publish",
        new JsonObject().put("address", ROOM).put("type", "presence.join").put("data", new JsonObject()).encode());
    assertEquals(400, reply.status(), reply.body().toString());
    assertEquals("bad-type", reply.errorCode());
  }

  @Test
  void refusesBadQuestionsWithJsonErrors() {
    assertError("/api/presence", 400, "bad-address");
    assertError("/api/presence?address=herald.presence", 400, "bad-address");
    assertError("/api/presence?address=room..x", 400, "bad-address");
    assertError("/api/presence?address=room.a&address=room.b", 400, "bad-request");
    assertError("/api/presence?address=room.a&count=maybe", 400, "bad-request");
    assertError("/api/presence?address=secret.room", 401, "unauthorized");
    Reply off = assertError("/api/presence?address=public.news", 404, "not-found");
    assertTrue(off.json().getJsonObject("error").getString("message").contains("presence is off"), off.body().toString());
    assertError("/api/presence?address=%zz", 400, "bad-request");
  }

  private Reply assertError(String uri, int status, String code) {
    Reply reply = Http.get(http, server.port(), uri);
    assertEquals(status, reply.status(), uri + ": " + reply.body());
    assertEquals("application/json", reply.contentType(), uri);
    assertEquals(code, reply.errorCode(), uri);
    return reply;
  }

  @Test
  void servicesAskTheBusServiceOrTheNode() {
    SseClient watcher = sse(ROOM);
    await(watcher.nth("presence.join", 1));
    JsonObject listed = await(onLoop(() -> vertx.eventBus().<JsonObject>request("herald.presence", new JsonObject().put("address", ROOM))))
        .body();
    assertEquals(1, listed.getInteger("count"));
    assertEquals("sse", listed.getJsonArray("members").getJsonObject(0).getString("transport"));
    JsonObject counted = await(onLoop(() -> vertx.eventBus().<JsonObject>request("herald.presence",
        new JsonObject().put("address", ROOM).put("count", true)))).body();
    assertEquals(new JsonObject().put("address", ROOM).put("count", 1), counted);
    assertEquals(1L, await(node.presence().count(ROOM)));
    assertEquals(1, await(node.presence().list(ROOM)).size());

    assertBusError(new JsonObject().put("address", "public.news"), 404, "not-found");
    assertBusError(new JsonObject().put("address", "bad address"), 400, "bad-address");
    assertBusError(new JsonObject().put("address", ROOM).put("count", "yes"), 400, "bad-request");
    assertBusError("room.lobby", 400, "bad-request");
    await(watcher.close());
  }

  private void assertBusError(Object body, int status, String code) {
    Future<?> answer = onLoop(() -> vertx.eventBus().request("herald.presence", body));
    try {
      answer.await(Http.WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      // checked below
    }
    assertTrue(answer.failed(), body + " was answered");
    ReplyException failure = (ReplyException) answer.cause();
    assertEquals(status, failure.failureCode(), body.toString());
    assertEquals(code, failure.getMessage(), body.toString());
  }

  @Test
  void anAddressWithoutPresenceRecordsNothing() {
    SseClient news = sse("public.news");
    assertFalse(node.presence().tracks("public.news"));
    assertTrue(node.presence().count("public.news").failed());
    await(news.close());
  }

  private void publish(String address, int n) {
    Reply reply = Http.post(http, server.port(), "/api/publish",
        new JsonObject().put("address", address).put("data", new JsonObject().put("n", n)).encode());
    assertEquals(202, reply.status(), reply.body().toString());
  }
}
