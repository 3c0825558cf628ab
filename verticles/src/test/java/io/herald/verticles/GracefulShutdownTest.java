package io.herald.verticles;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.herald.verticles.cluster.NodeConnections;
import io.herald.verticles.node.NodeDrain;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's graceful stop as SIGTERM runs it, observed by real clients of every transport: not ready
 * first, new requests refused, every client told to reconnect elsewhere, then the node is gone.
 */
@Timeout(60)
class GracefulShutdownTest {

  private Vertx nodeVertx;
  private NodeDeployment node;
  private Vertx clients;
  private HttpClient http;
  private String reader;

  @BeforeEach
  void start(@TempDir Path keys) {
    nodeVertx = Vertx.vertx();
    node = await(onLoop(nodeVertx, () -> NodeDeployment.deploy(nodeVertx, HeraldCluster.config())));
    clients = Vertx.vertx();
    http = clients.createHttpClient();
    reader = Tokens.create(clients, keys).hs256(Tokens.sub("reader"));
  }

  @AfterEach
  void stop() {
    await(clients.close());
    await(nodeVertx.close());
  }

  @Test
  void drainingAnswersNotReadyAndRefusesNewRequests() {
    node.state().draining();
    Http.Reply ready = Http.get(http, node.httpPort(), "/ready");
    assertEquals(503, ready.status());
    assertEquals(new JsonObject().put("status", "DRAINING").put("checks", new JsonObject().put("cluster", "UP").put("http", "DRAINING").put("history", "UP")),
        ready.json());
    assertEquals(200, Http.get(http, node.httpPort(), "/health").status(), "a draining node is still alive");
    // The probes answer with a trailing slash too (the router takes it), draining or not.
    assertEquals(200, Http.get(http, node.httpPort(), "/health/").status(), "a draining node is still alive");
    Http.Reply readySlash = Http.get(http, node.httpPort(), "/ready/");
    assertEquals(503, readySlash.status());
    assertEquals("DRAINING", readySlash.json().getString("status"), readySlash.json()::encode);
    Http.Reply sse = Http.get(http, node.httpPort(), "/sse?address=public.news&access_token=" + reader);
    assertEquals(503, sse.status());
    assertEquals("shutting-down", sse.errorCode());
    assertEquals(503, Http.post(http, node.httpPort(), "/api/publish", "{}").status());
  }

  @Test
  void everyClientIsToldToReconnectElsewhereThenTheNodeIsGone() {
    int port = node.httpPort();
    SseClient sse = await(onLoop(clients, () -> SseClient.connect(http, port, "/sse?address=public.news", reader)));
    await(sse.connected());
    FrameClient ws = subscribed(await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, port, "/ws?access_token=" + reader))), "ws");
    FrameClient sockJsRaw = subscribed(await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, port, "/eventbus/websocket?access_token=" + reader))), "raw");
    FrameClient polling = await(onLoop(clients, () -> XhrPollingFrameClient.open(clients, port).map(p -> (FrameClient) p)));
    await(polling.send(register("public.news", "poll").put("headers", new JsonObject().put("Authorization", "Bearer " + reader))));
    await(polling.next(ack("poll")));

    long start = System.nanoTime();
    await(node.shutdown());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(HeraldCluster.config().shutdownTimeout()) < 0, "took " + took);

    SseClient.Event shutdown = await(sse.nth("shutdown", 1));
    assertEquals(new JsonObject().put("code", "shutdown").put("reconnect", true), new JsonObject(shutdown.data()));
    await(sse.ended());
    assertTrue(sse.retry() >= 500 && sse.retry() < 1500, "retry " + sse.retry());

    for (FrameClient client : new FrameClient[] {ws, sockJsRaw}) {
      JsonObject farewell = await(client.next(err("shutdown")));
      assertEquals(1012, farewell.getInteger("failureCode"), farewell::encode);
      assertEquals(1012, await(client.closed()).code());
    }
    // xhr-polling carries the farewell in the poll that was waiting; SockJS's own close frame may
    // not follow, since the node stops accepting the next poll.
    assertEquals(1012, await(polling.next(err("shutdown"))).getInteger("failureCode"));

    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "the node no longer accepts connections");
  }

  /**
   * The drain that a stop runs first tells every instance's clients to leave and leaves every
   * server up: a client's last request may arrive on any instance's connection ({@link NodeDrain}).
   */
  @Test
  void theDrainReachesEveryInstanceAndLeavesEveryServerUp() {
    int port = node.httpPort();
    // Connections are handed to the two instances in turn: four land on both.
    List<FrameClient> subscribers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      subscribers.add(subscribed(await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, port, "/ws?access_token=" + reader))), "r" + i));
    }
    assertEquals(4, connections());

    node.state().draining();
    int drained = await(onLoop(nodeVertx, () -> NodeDrain.drainAll(nodeVertx, node.nodeId(), 2, Duration.ofSeconds(5))));

    assertEquals(2, drained, "both instances answered");
    for (FrameClient ws : subscribers) {
      assertEquals(1012, await(ws.next(err("shutdown"))).getInteger("failureCode"));
    }
    assertEquals(0, connections());
    for (int i = 0; i < 4; i++) {
      assertEquals(200, Http.get(http, port, "/health").status(), "fresh connections are still served after the drain");
    }
    // The stop that follows finds the bridges drained and only closes the servers.
    await(node.shutdown());
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }

  private int connections() {
    return await(onLoop(nodeVertx, () -> NodeConnections.gather(nodeVertx, node.nodeId(), 2, NodeConnections.GATHER_TIMEOUT)))
        .getInteger("connections");
  }

  private static FrameClient subscribed(FrameClient client, String id) {
    await(client.send(register("public.news", id)));
    await(client.next(ack(id)));
    return client;
  }
}
