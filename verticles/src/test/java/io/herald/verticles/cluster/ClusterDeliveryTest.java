package io.herald.verticles.cluster;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.publish;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events cross the cluster on every transport: three Herald nodes and one member that runs only a
 * service verticle, each its own Hazelcast member on loopback. Clients subscribe on node B; events
 * are published on node A over HTTP, on node C over a WebSocket, and by the service on its member.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ClusterDeliveryTest {

  private static final String NEWS = "public.news";

  private HeraldCluster cluster;
  private NodeDeployment a;
  private NodeDeployment b;
  private NodeDeployment c;
  private Vertx service;
  private Vertx clients;
  private HttpClient http;
  private Tokens tokens;

  @BeforeAll
  void startCluster(@TempDir Path keys) {
    cluster = new HeraldCluster();
    a = cluster.startNode();
    b = cluster.startNode();
    c = cluster.startNode();
    service = cluster.member();
    clients = Vertx.vertx();
    http = clients.createHttpClient();
    tokens = Tokens.create(clients, keys);
  }

  @AfterAll
  void stopCluster() throws Exception {
    clients.close().await();
    cluster.close();
  }

  @Test
  void eventsPublishedOnOtherNodesReachEveryTransportExactlyOnce() {
    String reader = tokens.hs256(Tokens.sub("reader"));
    String publisher = tokens.hs256(Tokens.sub("svc").roles("publisher"));
    int port = b.httpPort();

    SseClient sse = await(onLoop(clients, () -> SseClient.connect(http, port, "/sse?address=" + NEWS, reader)));
    await(sse.connected());
    FrameClient ws = subscribed(onLoop(clients, () -> WebSocketFrameClient.raw(clients, port, "/ws?access_token=" + reader)), "ws");
    FrameClient sockJs = subscribed(onLoop(clients, () -> FrameClient.sockJsWebSocket(clients, port, "access_token=" + reader)), "sockjs");
    // xhr-polling cannot carry a token in its URL here: the stock client's way, a header on the frame.
    FrameClient polling = await(onLoop(clients, () -> XhrPollingFrameClient.open(clients, port).map(p -> (FrameClient) p)));
    await(polling.send(register(NEWS, "polling").put("headers", new JsonObject().put("Authorization", "Bearer " + reader))));
    await(polling.next(ack("polling")));

    Http.Reply fromA = Http.post(http, a.httpPort(), "/api/publish?access_token=" + publisher,
        new JsonObject().put("address", NEWS).put("data", "from A over HTTP").encode());
    assertEquals(202, fromA.status(), fromA.body().toString());
    FrameClient publisherOnC = await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, c.httpPort(), "/ws?access_token=" + publisher)));
    await(publisherOnC.send(publish(NEWS, "from C over a WebSocket", "p1")));
    await(publisherOnC.next(ack("p1")));

    // Markers published after the events: once a client has both, anything sent twice would be there too.
    Http.post(http, a.httpPort(), "/api/publish?access_token=" + publisher, new JsonObject().put("address", NEWS).put("data", "marker A").encode());
    await(publisherOnC.send(publish(NEWS, "marker C", "p2")));

    List<String> expected = List.of("from A over HTTP", "from C over a WebSocket", "marker A", "marker C");
    Function<JsonObject, Object> body = frame -> frame.getValue("body");
    for (String marker : List.of("marker A", "marker C")) {
      awaitSseData(sse, marker);
      for (FrameClient client : List.of(ws, sockJs, polling)) {
        await(client.next(frame -> rec(NEWS).test(frame) && marker.equals(body.apply(frame))));
      }
    }
    assertEquals(counted(expected), counted(sse.events("message").stream()
        .map(e -> new JsonObject(e.data()).getValue("data")).toList()), "SSE");
    for (FrameClient client : List.of(ws, sockJs, polling)) {
      assertEquals(counted(expected), counted(client.history().stream().filter(rec(NEWS)).map(body).toList()),
          () -> "history: " + client.history());
    }
  }

  @Test
  void aServiceVerticleOnAMemberWithoutHttpReachesSubscribersOnAnotherNode() {
    String reader = tokens.hs256(Tokens.sub("reader"));
    SseClient sse = await(onLoop(clients, () -> SseClient.connect(http, b.httpPort(), "/sse?address=public.desk", reader)));
    await(sse.connected());
    await(service.deployVerticle(new NewsDesk()));
    JsonObject envelope = new JsonObject(await(sse.nth("message", 1)).data());
    assertEquals("public.desk", envelope.getString("address"));
    assertEquals("message", envelope.getString("type"));
    assertEquals("newsdesk", envelope.getJsonObject("data").getString("from"));
  }

  /** A microservice as any Vert.x application would write it: a plain event-bus publish, nothing of Herald's. */
  static final class NewsDesk extends VerticleBase {
    @Override
    public Future<?> start() {
      vertx.setPeriodic(100, t -> vertx.eventBus().publish("public.desk", new JsonObject().put("from", "newsdesk")));
      return Future.succeededFuture();
    }
  }

  private static FrameClient subscribed(Future<? extends FrameClient> connecting, String id) {
    FrameClient client = await(connecting);
    await(client.send(register(NEWS, id)));
    await(client.next(ack(id)));
    return client;
  }

  private static void awaitSseData(SseClient sse, String data) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    while (sse.events("message").stream().noneMatch(e -> data.equals(new JsonObject(e.data()).getValue("data")))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no SSE event with data '" + data + "'; got " + sse.events());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static Map<Object, Long> counted(List<?> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
  }
}
