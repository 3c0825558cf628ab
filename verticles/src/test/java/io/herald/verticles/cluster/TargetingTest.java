package io.herald.verticles.cluster;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.request;
import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.HeraldNode;
import io.herald.bridge.node.NodeAddresses;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignalR's targets across a real cluster: two Herald nodes and a service member, each its own
 * Hazelcast member on loopback, clients on both nodes over several transports. Each test ends with
 * a marker sent to everyone: once a client has the marker, anything wrongly sent to it would be
 * there too, so "no one else" is checked without waiting on a timer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class TargetingTest {

  private HeraldCluster cluster;
  private NodeDeployment a;
  private NodeDeployment b;
  private Vertx service;
  private Vertx clients;
  private HttpClient http;
  private Tokens tokens;
  private String publisher;

  @BeforeAll
  void startCluster(@TempDir Path keys) {
    cluster = new HeraldCluster();
    a = cluster.startNode();
    b = cluster.startNode();
    service = cluster.member();
    clients = Vertx.vertx();
    http = clients.createHttpClient();
    tokens = Tokens.create(clients, keys);
    publisher = tokens.hs256(Tokens.sub("svc").roles("publisher"));
  }

  @AfterAll
  void stopCluster() throws Exception {
    clients.close().await();
    cluster.close();
  }

  @Test
  void aUserEventReachesEveryConnectionOfThatUserOnEveryNodeAndNoOtherUser() {
    String alice = tokens.hs256(Tokens.sub("alice"));
    // No address asked for: an authenticated stream carries its user's address.
    SseClient aliceOnA = sse(a, "/sse", alice);
    FrameClient aliceOnB = welcomed(b, alice);
    FrameClient bobOnB = welcomed(b, tokens.hs256(Tokens.sub("bob")));

    assertEquals(202, publish(a, new JsonObject().put("user", "alice").put("data", "over HTTP on A")).status());
    // From a service's own member, through the node API, to the same target.
    await(onLoop(service, () -> HeraldNode.of(service).publish("user.alice", "message", "from the service member", System.currentTimeMillis())));
    String marker = everyoneMarker();

    for (String data : List.of("over HTTP on A", "from the service member")) {
      awaitSse(aliceOnA, "user.alice", data);
      await(aliceOnB.next(frame -> rec("user.alice").test(frame) && data.equals(frame.getValue("body"))));
    }
    await(bobOnB.next(markerFrame(marker)));
    assertTrue(bobOnB.history().stream().noneMatch(rec("user.alice")), bobOnB.history()::toString);
    assertEquals(2, sseData(aliceOnA, "user.alice").size(), aliceOnA.events()::toString);
  }

  @Test
  void aGroupEventReachesMembersOnEveryNodeAndNoOneElse() {
    String reader = tokens.hs256(Tokens.sub("reader"));
    FrameClient wsOnA = welcomed(a, reader);
    SseClient sseOnB = sse(b, "/sse?address=public.lobby", reader);
    FrameClient sockJsOnB = await(onLoop(clients, () -> FrameClient.sockJsWebSocket(clients, b.httpPort(), "access_token=" + reader)));
    FrameClient outsiderOnA = welcomed(a, reader);
    String sockJsId = whoami(sockJsOnB).getString("connection");

    // Three ways in: the HTTP API on the other node, the bus service from the service member, and
    // the client itself (its token's groups claim lets it subscribe to group.ops).
    assertEquals(200, groupCall(HttpMethod.PUT, b, "ops", connectionId(wsOnA)).status());
    JsonObject join = new JsonObject().put("op", "join").put("group", "ops").put("connection", connectionOf(sseOnB));
    JsonObject joined = await(onLoop(service, () -> service.eventBus().<JsonObject>request(NodeAddresses.GROUPS, join)
        .map(reply -> reply.body())));
    assertEquals(true, joined.getBoolean("joined"));
    FrameClient selfJoined = welcomed(b, tokens.hs256(Tokens.sub("carol").groups("ops")));
    await(selfJoined.send(new JsonObject().put("type", "join").put("group", "ops").put("id", "j")));
    await(selfJoined.next(ack("j")));
    assertEquals(200, groupCall(HttpMethod.PUT, a, "ops", sockJsId).status());

    assertEquals(202, publish(a, new JsonObject().put("group", "ops").put("type", "alert").put("data", "first")).status());
    String marker = everyoneMarker();
    for (FrameClient member : List.of(wsOnA, sockJsOnB, selfJoined)) {
      JsonObject event = await(member.next(rec("group.ops")));
      assertEquals("first", event.getValue("body"));
    }
    awaitSse(sseOnB, "group.ops", "first");
    await(outsiderOnA.next(markerFrame(marker)));
    assertTrue(outsiderOnA.history().stream().noneMatch(rec("group.ops")), outsiderOnA.history()::toString);

    // Leaving: the HTTP API on the node that does not hold the connection; a second leave is a no-op.
    Http.Reply left = groupCall(HttpMethod.DELETE, b, "ops", connectionId(wsOnA));
    assertEquals(true, left.json().getBoolean("left"), left.body().toString());
    assertEquals(false, groupCall(HttpMethod.DELETE, b, "ops", connectionId(wsOnA)).json().getBoolean("left"));
    publish(a, new JsonObject().put("group", "ops").put("data", "second"));
    String after = everyoneMarker();
    await(sockJsOnB.next(frame -> rec("group.ops").test(frame) && "second".equals(frame.getValue("body"))));
    await(wsOnA.next(markerFrame(after)));
    assertEquals(1, wsOnA.history().stream().filter(rec("group.ops")).count(), wsOnA.history()::toString);
  }

  @Test
  void oneConnectionTargetingReachesExactlyThatConnection() {
    String alice = tokens.hs256(Tokens.sub("alice"));
    FrameClient first = welcomed(a, alice);
    FrameClient second = welcomed(b, alice);
    String id = connectionId(second);

    Http.Reply sent = publish(a, new JsonObject().put("connection", id).put("type", "direct").put("data", new JsonObject().put("n", 1)));
    assertEquals(202, sent.status(), sent.body().toString());
    String marker = everyoneMarker();
    JsonObject event = await(second.next(rec("connection." + id)));
    assertEquals("direct", event.getString("event"));
    assertEquals(new JsonObject().put("n", 1), event.getValue("body"));
    await(first.next(markerFrame(marker)));
    assertTrue(first.history().stream().noneMatch(f -> String.valueOf(f.getValue("address")).startsWith("connection.")),
        first.history()::toString);

    // A connection that is gone, or an id no node issued: 404, and nothing else changes.
    await(second.close());
    awaitTrue(() -> publish(a, new JsonObject().put("connection", id).put("data", 2)).status() == 404, "the closed connection is still targeted");
    Http.Reply unknown = publish(a, new JsonObject().put("connection", "not-an-id").put("data", 3));
    assertEquals(404, unknown.status());
    assertEquals("no-connection", unknown.errorCode());
  }

  @Test
  void everyoneReachesAnonymousAndAuthenticatedConnectionsOnEveryNode() {
    FrameClient anonymousOnA = await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, a.httpPort(), "/ws")));
    await(anonymousOnA.next(f -> "welcome".equals(f.getString("type"))));
    SseClient sseOnB = sse(b, "/sse", tokens.hs256(Tokens.sub("dave")));
    String marker = everyoneMarker();
    await(anonymousOnA.next(markerFrame(marker)));
    awaitSse(sseOnB, "everyone", marker);
  }

  @Test
  void badTargetsAreRefusedWithAClearError() {
    Http.Reply two = publish(a, new JsonObject().put("user", "alice").put("group", "ops").put("data", 1));
    assertEquals(400, two.status());
    assertEquals("bad-address", two.errorCode());
    assertEquals("bad-address", publish(a, new JsonObject().put("group", "a.b").put("data", 1)).errorCode());
    assertEquals("bad-address", publish(a, new JsonObject().put("everyone", "yes").put("data", 1)).errorCode());
    // Managing a group takes what publishing to it takes: a reader may not.
    String reader = tokens.hs256(Tokens.sub("reader").groups("ops"));
    Http.Reply forbidden = Http.call(http, HttpMethod.PUT, a.httpPort(), "/api/groups/ops/connections/x?access_token=" + reader, null);
    assertEquals(403, forbidden.status());
    Http.Reply missing = groupCall(HttpMethod.PUT, a, "ops", "0123456789ab-zz");
    assertEquals(404, missing.status());
    assertEquals("no-connection", missing.errorCode());
    // A client may join a group only where it may subscribe.
    FrameClient outsider = welcomed(a, tokens.hs256(Tokens.sub("erin")));
    await(outsider.send(new JsonObject().put("type", "join").put("group", "ops").put("id", "j")));
    await(outsider.next(err("forbidden")));
  }

  @Test
  void openingAndClosingConnectionsArePublishedOnTheBus() {
    List<JsonObject> opened = new CopyOnWriteArrayList<>();
    List<JsonObject> closed = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> onOpen = service.eventBus().consumer(NodeAddresses.CONNECTION_OPENED, m -> opened.add(m.body()));
    MessageConsumer<JsonObject> onClose = service.eventBus().consumer(NodeAddresses.CONNECTION_CLOSED, m -> closed.add(m.body()));
    await(onOpen.completion());
    await(onClose.completion());
    try {
      FrameClient frank = welcomed(b, tokens.hs256(Tokens.sub("frank")));
      String id = connectionId(frank);
      awaitTrue(() -> opened.stream().anyMatch(e -> id.equals(e.getString("connection"))), "no opened event: " + opened);
      JsonObject open = opened.stream().filter(e -> id.equals(e.getString("connection"))).findFirst().orElseThrow();
      assertEquals("frank", open.getString("user"));
      assertEquals("websocket", open.getString("transport"));
      assertEquals(id.substring(0, id.indexOf('-')), open.getString("node"));
      await(frank.close());
      awaitTrue(() -> closed.stream().anyMatch(e -> id.equals(e.getString("connection"))), "no closed event: " + closed);
      JsonObject close = closed.stream().filter(e -> id.equals(e.getString("connection"))).findFirst().orElseThrow();
      assertEquals("client-closed", close.getString("reason"));
      assertEquals("frank", close.getString("user"));
    } finally {
      onOpen.unregister();
      onClose.unregister();
    }
  }

  // ---- helpers ----

  private SseClient sse(NodeDeployment node, String uri, String token) {
    SseClient client = await(onLoop(clients, () -> SseClient.connect(http, node.httpPort(), uri, token)));
    await(client.connected());
    return client;
  }

  private static String connectionOf(SseClient sse) {
    return new JsonObject(await(sse.connected()).data()).getString("connection");
  }

  /** A raw WebSocket client, once welcomed: its user channel is live by then. */
  private FrameClient welcomed(NodeDeployment node, String token) {
    FrameClient client = await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, node.httpPort(), "/ws?access_token=" + token)));
    await(client.next(f -> "welcome".equals(f.getString("type"))));
    return client;
  }

  private static String connectionId(FrameClient client) {
    return client.history().stream().filter(f -> "welcome".equals(f.getString("type"))).findFirst().orElseThrow().getString("connection");
  }

  /** What the stock SockJS client can do to learn its connection id: ask. */
  private static JsonObject whoami(FrameClient client) {
    await(client.send(request(NodeAddresses.WHOAMI, null, "me")));
    return await(client.next(frame -> "me".equals(frame.getString("address")))).getJsonObject("body");
  }

  private Http.Reply publish(NodeDeployment node, JsonObject body) {
    return Http.post(http, node.httpPort(), "/api/publish?access_token=" + publisher, body.encode());
  }

  private Http.Reply groupCall(HttpMethod method, NodeDeployment node, String group, String connection) {
    return Http.call(http, method, node.httpPort(), "/api/groups/" + group + "/connections/" + connection + "?access_token=" + publisher, (Buffer) null);
  }

  private String everyoneMarker() {
    String marker = "marker-" + System.nanoTime();
    assertEquals(202, publish(b, new JsonObject().put("everyone", true).put("data", marker)).status());
    return marker;
  }

  private static java.util.function.Predicate<JsonObject> markerFrame(String marker) {
    return frame -> rec("everyone").test(frame) && marker.equals(frame.getValue("body"));
  }

  private static List<String> sseData(SseClient sse, String address) {
    return sse.events().stream()
        .filter(e -> !"connected".equals(e.type()) && e.data().startsWith("{"))
        .map(e -> new JsonObject(e.data()))
        .filter(envelope -> address.equals(envelope.getString("address")))
        .map(envelope -> String.valueOf(envelope.getValue("data")))
        .toList();
  }

  private static void awaitSse(SseClient sse, String address, String data) {
    awaitTrue(() -> sseData(sse, address).contains(data), "no SSE event on " + address + " with data " + data + "; got " + sse.events());
  }

  private static void awaitTrue(BooleanSupplier condition, String failure) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
