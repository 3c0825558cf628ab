package io.herald.bridge.presence;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.type;
import static io.herald.bridge.support.ProtocolFrames.unregister;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Http.Reply;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.herald.bridge.support.TestCluster;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Presence on a real three-member Hazelcast cluster in this JVM, each member a Herald node with a
 * bridge and JWT users, clients on every transport: what any node lists and counts after joins,
 * unregisters, disconnects and the crash of a member, and the join and leave events a subscriber on
 * another node receives. The crash comes last: it takes member C away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPresenceTest {

  private static final AllowListRules RULES = new AllowListRules(List.of("public.*", "user.*", "group.*", "room.*"));
  private static final PresencePolicy PRESENCE = PresencePolicy.parse("room.**,group.**");
  /** How long a crashed member's entries may take to go: the test cluster declares a silent member dead after 5 s. */
  private static final long CRASH_BOUND_SECONDS = 30;

  private final TestCluster cluster = new TestCluster();
  private Vertx a;
  private Vertx b;
  private Vertx c;
  private BridgeServer serverA;
  private BridgeServer serverB;
  private BridgeServer serverC;
  private Vertx clients;
  private HttpClient http;

  @BeforeAll
  void startCluster() throws Exception {
    a = cluster.startMember().await(60, TimeUnit.SECONDS);
    b = cluster.startMember().await(60, TimeUnit.SECONDS);
    c = cluster.startMember().await(60, TimeUnit.SECONDS);
    assertEquals(3, hazelcast(c).getCluster().getMembers().size(), "the members formed one cluster");
    serverA = node(a);
    serverB = node(b);
    serverC = node(c);
    clients = Vertx.vertx();
    http = clients.createHttpClient();
  }

  private static BridgeServer node(Vertx member) {
    HeraldNode.install(member, HistoryPolicy.defaults(), PRESENCE);
    Authenticator jwt = JwtAuthenticator.create(member, JwtSettings.hmac(Tokens.SECRET));
    return await(BridgeServer.startNode(member, new BridgeOptions(), RULES, jwt));
  }

  @AfterAll
  void stopCluster() throws Exception {
    clients.close().await(30, TimeUnit.SECONDS);
    cluster.close();
  }

  private static String token(String user) {
    return Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub(user).expiresIn(java.time.Duration.ofHours(1)));
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    clients.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }

  private SseClient sse(BridgeServer server, String address, String user) {
    SseClient sse = await(onLoop(() -> SseClient.connect(http, server.port(), "/sse?address=" + address, token(user))));
    await(sse.connected());
    return sse;
  }

  /** A raw WebSocket, registered to the address; returns once the register is acknowledged. */
  private FrameClient webSocket(BridgeServer server, String address, String user) {
    FrameClient ws = await(onLoop(() -> WebSocketFrameClient.raw(clients, server.port(), "/ws?access_token=" + token(user))));
    await(ws.next(type("welcome")));
    registered(ws, address, "r-" + user);
    return ws;
  }

  private FrameClient sockJs(BridgeServer server, String address, String user) {
    FrameClient sockJs = await(onLoop(() -> FrameClient.sockJsWebSocket(clients, server.port(), "access_token=" + token(user))));
    registered(sockJs, address, "r-" + user);
    return sockJs;
  }

  private static void registered(FrameClient client, String address, String ref) {
    await(client.send(register(address, ref)));
    await(client.next(ack(ref)));
  }

  private JsonObject presence(BridgeServer server, String query, String user) {
    Reply reply = get(server, "/api/presence?" + query, user);
    assertEquals(200, reply.status(), reply.body().toString());
    return reply.json();
  }

  private Reply get(BridgeServer server, String uri, String user) {
    return Http.call(http, HttpMethod.GET, server.port(), uri, null,
        MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token(user)));
  }

  private long count(BridgeServer server, String address) {
    return presence(server, "address=" + address + "&count=true", "watch").getLong("count");
  }

  private long countUntil(BridgeServer server, String address, long expected, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long count = count(server, address);
    while (count != expected && System.nanoTime() < deadline) {
      sleep(100);
      count = count(server, address);
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

  /** user → the fields of the events of one type the subscriber has, in arrival order. */
  private static Map<String, JsonObject> byUser(SseClient sse, String type) {
    return sse.events(type).stream().map(ClusterPresenceTest::data)
        .collect(Collectors.toMap(d -> d.getString("user"), d -> d, (x, y) -> {
          throw new AssertionError("two " + type + " events for " + x);
        }, TreeMap::new));
  }

  private static JsonObject data(Event event) {
    return new JsonObject(event.data()).getJsonObject("data");
  }

  private static HazelcastInstance hazelcast(Vertx member) {
    return ((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance();
  }

  private static String key(Vertx member) {
    return HeraldNode.of(member).key();
  }

  @Test
  @Order(1)
  void everyNodeListsAndCountsJoinsLeavesAndDisconnectsOnEveryTransport() {
    String room = "room.cluster";
    SseClient watcher = sse(serverB, room, "watch");
    SseClient alice = sse(serverA, room, "alice");
    FrameClient bob = webSocket(serverB, room, "bob");
    FrameClient carol = sockJs(serverC, room, "carol");

    // Joins reach a subscriber on another node, whatever node the joiner is on; a join is
    // announced once its entry is stored, so from then on every node lists it.
    await(watcher.nth("presence.join", 4));
    assertEquals(4, count(serverA, room));
    JsonObject listed = presence(serverC, "address=" + room, "watch");
    assertEquals(4, listed.getInteger("count"));
    Map<String, String> where = listed.getJsonArray("members").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(m -> m.getString("user"), m -> m.getString("transport") + "@" + m.getString("node")));
    assertEquals(Map.of(
        "watch", "sse@" + key(b),
        "alice", "sse@" + key(a),
        "bob", "websocket@" + key(b),
        "carol", "sockjs@" + key(c)), where);
    assertEquals("watch", listed.getJsonArray("members").getJsonObject(0).getString("user"), "oldest first");

    assertEquals("connected", watcher.events().get(0).type(), "recording presence does not delay a stream's first event");
    Map<String, JsonObject> joins = byUser(watcher, "presence.join");
    assertEquals(Set.of("watch", "alice", "bob", "carol"), joins.keySet());
    assertEquals(key(a), joins.get("alice").getString("node"));
    assertEquals("sockjs", joins.get("carol").getString("transport"));

    await(bob.send(unregister(room, "u-bob")));
    await(bob.next(ack("u-bob")));
    assertEquals(3, countUntil(serverC, room, 3, Http.WAIT_SECONDS), "an unregister leaves");
    await(watcher.nth("presence.leave", 1));
    assertEquals(joins.get("bob"), byUser(watcher, "presence.leave").get("bob"), "the leave names the same connection");

    await(onLoop(alice::close));
    assertEquals(2, countUntil(serverB, room, 2, Http.WAIT_SECONDS), "a disconnect leaves");
    await(watcher.nth("presence.leave", 2));
    assertEquals(Set.of("bob", "alice"), byUser(watcher, "presence.leave").keySet());
    List<String> present = presence(serverA, "address=" + room, "watch").getJsonArray("members").stream()
        .map(m -> ((JsonObject) m).getString("user")).toList();
    assertEquals(List.of("watch", "carol"), present);

    await(carol.close());
    await(bob.close());
    await(onLoop(watcher::close));
    assertEquals(0, countUntil(serverA, room, 0, Http.WAIT_SECONDS));
  }

  @Test
  @Order(2)
  void askingNeedsTheRightToSubscribe() {
    Reply forbidden = get(serverA, "/api/presence?address=secret.room", "alice");
    assertEquals(403, forbidden.status(), forbidden.body().toString());
    assertEquals("forbidden", forbidden.errorCode());
    Reply off = get(serverA, "/api/presence?address=public.news", "alice");
    assertEquals(404, off.status(), off.body().toString());
    assertEquals("not-found", off.errorCode());
  }

  @Test
  @Order(3)
  void aCrashedMembersEntriesGoWithinTheBoundAndTheirLeavesAreAnnouncedOnce() {
    String room = "room.crash";
    SseClient watcher = sse(serverA, room, "watch");
    sse(serverC, room, "carol");
    webSocket(serverC, room, "dave");
    webSocket(serverB, room, "erin");
    await(watcher.nth("presence.join", 4));
    assertEquals(4, count(serverB, room));

    // A crash, not a goodbye: C drops out of the cluster without closing its connections first.
    HazelcastInstance victim = hazelcast(c);
    long crashed = System.nanoTime();
    victim.getLifecycleService().terminate();

    assertEquals(2, countUntil(serverA, room, 2, CRASH_BOUND_SECONDS), "carol's and dave's entries went with C");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
    System.out.println("presence of the crashed member removed after " + tookMs + " ms");
    await(watcher.nth("presence.leave", 2));
    // Both survivors sweep; each entry must still be announced once.
    sleep(1000);
    Map<String, JsonObject> leaves = byUser(watcher, "presence.leave");
    assertEquals(Set.of("carol", "dave"), leaves.keySet());
    assertTrue(leaves.values().stream().allMatch(l -> key(c).equals(l.getString("node"))));
    JsonArray members = presence(serverB, "address=" + room, "watch").getJsonArray("members");
    assertEquals(List.of("watch", "erin"), members.stream().map(m -> ((JsonObject) m).getString("user")).toList());
  }
}
