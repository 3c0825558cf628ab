package io.herald.verticles.node;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.cluster.NodeConnections;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
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
 * Every HTTP verticle instance's bridge drains before any server closes: the drain tells every
 * instance's clients to leave and leaves all servers up, so a client's last request still lands
 * on whichever instance accepts it.
 */
@Timeout(60)
class NodeDrainTest {

  private Vertx nodeVertx;
  private NodeDeployment node;
  private Vertx clients;
  private HttpClient http;

  private String reader;

  @BeforeEach
  void start(@TempDir Path keys) {
    nodeVertx = Vertx.vertx();
    node = await(onLoop(nodeVertx, () -> NodeDeployment.deploy(nodeVertx, HeraldCluster.config("--http-instances", "2"))));
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
  void drainsEveryInstanceAndLeavesEveryServerUp() {
    int port = node.httpPort();
    // Connections are spread over the instances as they are accepted: four land on both.
    String reader = this.reader;
    List<FrameClient> subscribers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      FrameClient ws = await(onLoop(clients, () -> WebSocketFrameClient.raw(clients, port, "/ws?access_token=" + reader)));
      await(ws.send(register("public.news", "r" + i)));
      await(ws.next(ack("r" + i)));
      subscribers.add(ws);
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
  }

  @Test
  void drainLeftCountsFromWhenTheNodeBeganDraining() throws InterruptedException {
    NodeState state = new NodeState();
    Duration grace = Duration.ofSeconds(2);
    assertEquals(grace, state.drainLeft(grace), "a node that does not drain has all of it");
    state.draining();
    Thread.sleep(50);
    Duration left = state.drainLeft(grace);
    assertTrue(left.compareTo(grace.minusMillis(50)) <= 0 && left.compareTo(Duration.ZERO) > 0, left::toString);
    assertEquals(Duration.ZERO, state.drainLeft(Duration.ofMillis(10)), "never below zero");
  }

  private int connections() {
    return await(onLoop(nodeVertx, () -> NodeConnections.gather(nodeVertx, node.nodeId(), 2, NodeConnections.GATHER_TIMEOUT)))
        .getInteger("connections");
  }
}
