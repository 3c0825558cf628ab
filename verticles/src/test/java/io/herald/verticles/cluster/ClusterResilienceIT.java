package io.herald.verticles.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.Tokens;
import io.herald.verticles.support.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three Herald nodes as separate processes on the default cluster.xml: a steady stream of events to
 * one user while nodes crash or restart under it, and clients that move to the survivors with their
 * Last-Event-ID, as EventSource behind a load balancer would. Every client must end with every
 * event exactly once, in order.
 */
@Timeout(240)
class ClusterResilienceIT {

  private static final int EVENTS = 300;
  private static final String ADDRESS = "user.alice";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String token = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("alice").roles("publisher").put("exp", System.currentTimeMillis() / 1000 + 3600));
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<ResumingSseClient> clients = new ArrayList<>();

  @AfterEach
  void stopAll() throws InterruptedException {
    clients.forEach(ResumingSseClient::close);
    for (NodeProcess node : nodes) {
      if (node.alive()) {
        node.kill();
      }
    }
  }

  private void startCluster() throws Exception {
    Map<String, String> env = Map.of(
        "HERALD_CLUSTER", "true",
        "HERALD_JWT_SECRET", Tokens.SECRET,
        "HERALD_TICKER", "false",
        "HERALD_ACCESS_LOG", "false",
        "HERALD_HTTP_INSTANCES", "1",
        // Its own cluster: another Herald cluster on this machine (a benchmark, a developer's node)
        // would otherwise be joined through the shipped cluster.xml.
        "HZ_CLUSTERNAME", "herald-it-" + java.util.UUID.randomUUID());
    for (int i = 0; i < 3; i++) {
      nodes.add(new NodeProcess(Ports.free(), env).start());
    }
    for (NodeProcess node : nodes) {
      node.awaitListening();
    }
    List<Integer> ports = nodes.stream().map(n -> n.port).toList();
    for (int i = 0; i < 3; i++) {
      clients.add(new ResumingSseClient(ports, i, "/sse?address=" + ADDRESS, token));
    }
    // Every client subscribed before the first event: an event published before a client
    // subscribes is, rightly, not that client's.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (clients.stream().anyMatch(c -> c.connections() == 0)) {
      assertTrue(System.nanoTime() < deadline, "clients did not connect");
      Thread.sleep(50);
    }
  }

  private void publish(NodeProcess node, int n) throws IOException, InterruptedException {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/api/publish"))
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString("{\"address\":\"" + ADDRESS + "\",\"data\":{\"n\":" + n + "}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, answer.statusCode(), answer.body());
  }

  private void assertEveryClientGotEverythingOnce() throws InterruptedException {
    List<Integer> expected = IntStream.rangeClosed(1, EVENTS).boxed().toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> c.received().size() < EVENTS)) {
      Thread.sleep(200);
    }
    for (ResumingSseClient client : clients) {
      assertEquals(expected, client.received(), "events received; client log: " + client.notes());
      assertEquals(0, client.resets(), "no cursor should have needed a reset");
    }
  }

  @Test
  void aCrashedNodesClientsResumeOnTheSurvivorsWithNothingLost() throws Exception {
    startCluster();
    for (int n = 1; n <= EVENTS; n++) {
      publish(nodes.get(0), n);
      if (n == EVENTS / 3) {
        nodes.get(2).kill();
      }
      Thread.sleep(10);
    }
    assertEveryClientGotEverythingOnce();
  }

  @Test
  void aRollingRestartOfEveryNodeLosesNothing() throws Exception {
    startCluster();
    int n = 1;
    for (int restarting = 0; restarting < 3; restarting++) {
      NodeProcess target = nodes.get((restarting + 1) % 3);
      NodeProcess node = nodes.get(restarting);
      for (int i = 0; i < EVENTS / 6; i++) {
        publish(target, n++);
        Thread.sleep(10);
      }
      assertEquals(0, node.stop(), "a node stops cleanly on SIGTERM");
      for (int i = 0; i < EVENTS / 6; i++) {
        publish(target, n++);
        Thread.sleep(10);
      }
      node.start().awaitListening();
    }
    assertEquals(EVENTS + 1, n);
    assertEveryClientGotEverythingOnce();
    assertTrue(nodes.stream().allMatch(NodeProcess::alive));
  }
}
