package io.herald.verticles.cluster;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} and {@code /api/cluster} on a real three-node cluster: what each member reports, its
 * connections summed over its HTTP verticle instances, who may ask, and members that leave, serve no
 * HTTP or do not answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ClusterApiTest {

  private HeraldCluster cluster;
  private NodeDeployment a;
  private NodeDeployment b;
  private NodeDeployment c;
  private Vertx clients;
  private HttpClient http;
  private Tokens tokens;
  private String admin;

  @BeforeAll
  void startCluster(@TempDir Path keys) {
    cluster = new HeraldCluster();
    a = cluster.startNode();
    b = cluster.startNode();
    c = cluster.startNode();
    clients = Vertx.vertx();
    http = clients.createHttpClient();
    tokens = Tokens.create(clients, keys);
    admin = tokens.hs256(Tokens.sub("ops").roles("admin"));
  }

  @AfterAll
  void stopCluster() throws Exception {
    clients.close().await();
    cluster.close();
  }

  @Test
  void aJoinedNodeIsReady() {
    for (NodeDeployment node : List.of(a, b, c)) {
      Http.Reply ready = Http.get(http, node.httpPort(), "/ready");
      assertEquals(200, ready.status(), ready.body().toString());
      assertEquals(new JsonObject().put("status", "UP").put("checks", new JsonObject().put("cluster", "UP").put("http", "UP").put("history", "UP")),
          ready.json());
    }
  }

  @Test
  void listsEveryMemberWithItsHttpAddressAndCountsConnectionsOverAllInstances() {
    String reader = tokens.hs256(Tokens.sub("reader"));
    int port = b.httpPort();
    SseClient one = await(onLoop(clients, () -> SseClient.connect(http, port, "/sse?address=public.one", reader)));
    SseClient two = await(onLoop(clients, () -> SseClient.connect(http, port, "/sse?address=public.two", reader)));
    FrameClient ws = await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, port, "/ws?access_token=" + reader)));
    await(one.connected());
    await(two.connected());
    await(ws.send(register("public.three", "r")));
    await(ws.next(ack("r")));

    JsonObject view = clusterUntil(c, v -> connections(member(v, b)) == 3);
    assertEquals(c.nodeId(), view.getString("self"));
    assertTrue(view.getBoolean("clustered"));
    JsonArray members = view.getJsonArray("members");
    assertEquals(3, members.size(), members::encodePrettily);
    for (NodeDeployment node : List.of(a, b, c)) {
      JsonObject member = member(view, node);
      assertEquals("127.0.0.1:" + node.httpPort(), member.getString("http"), member::encode);
      assertEquals(node == c, member.getBoolean("self"), member::encode);
      assertTrue(member.getBoolean("reachable"), member::encode);
      assertEquals("SERVING", member.getString("phase"), member::encode);
      assertFalse(Instant.parse(member.getString("startedAt")).isAfter(Instant.now()), member::encode);
      assertNull(member.getValue("incomplete"), member::encode);
    }
    JsonObject onB = member(view, b);
    assertEquals(3, onB.getInteger("connections"), onB::encode);
    assertEquals(new JsonObject().put("sse", 2).put("websocket", 1), onB.getJsonObject("connectionsByTransport"), onB::encode);
    assertEquals(0, member(view, a).getInteger("connections"));

    await(onLoop(clients, () -> one.close()));
    await(onLoop(clients, () -> ws.close()));
    JsonObject after = clusterUntil(a, v -> connections(member(v, b)) == 1);
    assertEquals(new JsonObject().put("sse", 1), member(after, b).getJsonObject("connectionsByTransport"));
  }

  @Test
  void needsAnAdminToken() {
    Http.Reply anonymous = Http.get(http, a.httpPort(), "/api/cluster");
    assertEquals(401, anonymous.status());
    assertEquals("unauthorized", anonymous.errorCode());
    Http.Reply reader = Http.get(http, a.httpPort(), "/api/cluster?access_token=" + tokens.hs256(Tokens.sub("reader").roles("publisher")));
    assertEquals(403, reader.status());
    assertEquals("forbidden", reader.errorCode());
    Http.Reply forged = Http.get(http, a.httpPort(), "/api/cluster?access_token="
        + Tokens.hs256WithSecret(Tokens.OTHER_SECRET, Tokens.sub("ops").roles("admin")));
    assertEquals(401, forged.status());
  }

  /**
   * A member without Herald is listed as serving nothing; one that published Herald's facts but does
   * not answer (its report verticle is gone) is listed unreachable, with the address it published.
   */
  @Test
  void listsMembersThatServeNoHttpAndMembersThatDoNotAnswer() {
    Vertx bare = cluster.member();
    String id = Membership.of(bare).nodeId();
    JsonObject service = member(clusterUntil(a, v -> find(v, id) != null), id);
    assertTrue(service.getBoolean("reachable"), service::encode);
    assertNull(service.getValue("http"), service::encode);
    assertEquals(0, service.getInteger("connections"), service::encode);

    await(Membership.of(bare).publish(new JsonObject().put("http", "127.0.0.1:1").put("startedAt", Instant.now().toString())));
    JsonObject silent = member(clusterUntil(a, v -> !find(v, id).getBoolean("reachable")), id);
    assertEquals("127.0.0.1:1", silent.getString("http"), silent::encode);
    assertNull(silent.getValue("connections"), silent::encode);
    assertEquals(4, Http.get(http, a.httpPort(), "/api/cluster?access_token=" + admin).json().getJsonArray("members").size());

    await(bare.close());
    clusterUntil(a, v -> find(v, id) == null);
  }

  @Test
  void aNodeThatShutsDownLeavesTheList() {
    NodeDeployment leaving = cluster.startNode();
    assertNotNull(find(clusterUntil(a, v -> find(v, leaving.nodeId()) != null), leaving.nodeId()));
    await(leaving.shutdown());
    JsonObject view = clusterUntil(a, v -> find(v, leaving.nodeId()) == null);
    assertEquals(3, view.getJsonArray("members").size(), view::encodePrettily);
  }

  /** Asks a node for the cluster until the answer satisfies the condition, for at most Http.WAIT_SECONDS. */
  private JsonObject clusterUntil(NodeDeployment node, Predicate<JsonObject> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    JsonObject view;
    do {
      Http.Reply reply = Http.get(http, node.httpPort(), "/api/cluster?access_token=" + admin);
      assertEquals(200, reply.status(), reply.body().toString());
      view = reply.json();
      if (condition.test(view)) {
        return view;
      }
      pause();
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the cluster view never matched; last: " + view.encodePrettily());
  }

  private static JsonObject member(JsonObject view, NodeDeployment node) {
    return member(view, node.nodeId());
  }

  private static JsonObject member(JsonObject view, String nodeId) {
    JsonObject member = find(view, nodeId);
    if (member == null) {
      throw new AssertionError(nodeId + " is not listed: " + view.encodePrettily());
    }
    return member;
  }

  private static JsonObject find(JsonObject view, String nodeId) {
    return view.getJsonArray("members").stream().map(JsonObject.class::cast)
        .filter(m -> nodeId.equals(m.getString("node"))).findFirst().orElse(null);
  }

  private static int connections(JsonObject member) {
    return member.getInteger("connections", -1);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
