package io.herald.verticles.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.ProtocolFrames;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.verticles.support.Ports;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence across two packaged {@code herald.jar} processes with {@code --presence}: clients of one
 * node, which then gets {@code kill -9}, and a subscriber on the other. The survivor must count the
 * right number again within the documented bound (the member is declared dead after cluster.xml's
 * 10 s without heartbeat, then its entries are removed) and its subscriber must get one
 * {@code presence.leave} per connection of the dead node.
 */
@Timeout(120)
class PresenceCrashIT {

  private static final String TEAM = "group.team";
  /** cluster.xml's max-no-heartbeat (10 s), plus the removal, plus room for a loaded machine. */
  private static final long CRASH_BOUND_SECONDS = 30;

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Vertx clients = Vertx.vertx();
  private final HttpClient http = clients.createHttpClient();

  @AfterEach
  void stopAll() throws Exception {
    for (NodeProcess node : nodes) {
      if (node.alive()) {
        node.kill();
      }
    }
    clients.close().await(30, TimeUnit.SECONDS);
  }

  private static String token(String user) {
    return Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub(user).groups("team").put("exp", System.currentTimeMillis() / 1000 + 3600));
  }

  private <T> T await(Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    clients.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return Http.await(result.future());
  }

  private SseClient sse(NodeProcess node, String user) {
    SseClient sse = await(() -> SseClient.connect(http, node.port, "/sse?address=" + TEAM, token(user)));
    Http.await(sse.connected());
    return sse;
  }

  private FrameClient webSocket(NodeProcess node, String user) {
    FrameClient ws = await(() -> WebSocketFrameClient.raw(clients, node.port, "/ws?access_token=" + token(user)).map(c -> (FrameClient) c));
    Http.await(ws.send(ProtocolFrames.register(TEAM, "r")));
    Http.await(ws.next(ProtocolFrames.ack("r")));
    return ws;
  }

  private JsonObject presence(NodeProcess node, String query) {
    Http.Reply reply = Http.call(http, HttpMethod.GET, node.port, "/api/presence?address=" + TEAM + query, null,
        MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token("watch")));
    assertEquals(200, reply.status(), reply.body().toString());
    return reply.json();
  }

  private long countUntil(NodeProcess node, long expected, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long count = presence(node, "&count=true").getLong("count");
    while (count != expected && System.nanoTime() < deadline) {
      Thread.sleep(200);
      count = presence(node, "&count=true").getLong("count");
    }
    return count;
  }

  private static Set<String> users(SseClient sse, String type) {
    return sse.events(type).stream().map(e -> new JsonObject(e.data()).getJsonObject("data").getString("user")).collect(Collectors.toSet());
  }

  @Test
  void aKilledNodesConnectionsLeaveTheSurvivorsCountAndAreAnnounced() throws Exception {
    Map<String, String> env = Map.of(
        "HERALD_CLUSTER", "true",
        "HERALD_JWT_SECRET", Tokens.SECRET,
        "HERALD_PRESENCE", "group.**",
        "HERALD_TICKER", "false",
        "HERALD_ACCESS_LOG", "false",
        "HERALD_HTTP_INSTANCES", "1",
        "HZ_CLUSTERNAME", "herald-it-" + UUID.randomUUID());
    NodeProcess survivor = new NodeProcess(Ports.free(), env).start();
    nodes.add(survivor);
    NodeProcess victim = new NodeProcess(Ports.free(), env).start();
    nodes.add(victim);
    survivor.awaitListening();
    victim.awaitListening();

    SseClient watcher = sse(survivor, "watch");
    sse(victim, "alice");
    sse(victim, "bob");
    webSocket(victim, "carol");
    assertEquals(4, countUntil(survivor, 4, 30), "the two nodes share presence: " + presence(survivor, ""));
    Http.await(watcher.nth("presence.join", 4));
    assertEquals(Set.of("watch", "alice", "bob", "carol"), users(watcher, "presence.join"));

    long killed = System.nanoTime();
    victim.kill();
    long left = countUntil(survivor, 1, CRASH_BOUND_SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    System.out.println("presence of the killed node removed after " + tookMs + " ms");
    assertEquals(1, left, "the killed node's connections are gone within " + CRASH_BOUND_SECONDS + " s: " + presence(survivor, ""));

    Http.await(watcher.nth("presence.leave", 3));
    Thread.sleep(500);
    assertEquals(3, watcher.events("presence.leave").size(), "one leave per connection of the killed node");
    assertEquals(Set.of("alice", "bob", "carol"), users(watcher, "presence.leave"));
    assertEquals("watch", presence(survivor, "").getJsonArray("members").getJsonObject(0).getString("user"));
    assertTrue(tookMs < CRASH_BOUND_SECONDS * 1000);
  }
}
