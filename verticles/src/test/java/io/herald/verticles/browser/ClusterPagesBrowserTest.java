package io.herald.verticles.browser;

import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.HeraldNode;
import io.herald.bridge.support.Tokens;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.cluster.Membership;
import io.herald.verticles.support.HeraldCluster;
import io.herald.verticles.support.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages against a real three-node cluster (Hazelcast members on loopback in this JVM, sharing the
 * HS256 key of {@link Tokens}, so a page's token is good on every node and across a restart): the
 * ops page lists every member, and demo pages on every transport lose their node mid-stream and
 * still get every event once. Node A listens on a fixed port, so the pages' origin is there again
 * after its restart. Writes {@code docs/ops.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class ClusterPagesBrowserTest {

  private static final List<String> TRANSPORTS = List.of("websocket", "sse", "sockjs");
  private static final int EVENTS = 60;
  private static final long SPACING_MS = 100;

  private Browser browser;
  private HeraldCluster cluster;
  private Vertx clients;
  private Tokens tokens;
  private int portOfA;
  private NodeDeployment a;
  private NodeDeployment b;
  private NodeDeployment c;
  /** How many rounds of numbered events B has published so far. */
  private final AtomicInteger published = new AtomicInteger();

  @BeforeAll
  void start(@TempDir Path keys) {
    browser = Browser.start(1440, 720);
    cluster = new HeraldCluster();
    portOfA = Ports.free();
    a = cluster.startNode(Pages.serving("--http-port", Integer.toString(portOfA)));
    // B runs the demo ticker, so the ops page charts deliveries.
    b = cluster.startNode(Pages.serving("--ticker", "true"));
    c = cluster.startNode(Pages.serving());
    clients = Vertx.vertx();
    tokens = Tokens.create(clients, keys);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      try {
        if (clients != null) {
          clients.close().await();
        }
      } finally {
        cluster.close();
      }
    }
  }

  @BeforeEach
  void oneWindow() {
    browser.reset();
  }

  /** The ops page, opened on A, has one row per member of the cluster, each with that member's HTTP address. */
  @Test
  void theOpsPageShowsEveryMemberOfAThreeNodeCluster() {
    // A client on B and on C, so the table has connections to show.
    browser.open(Pages.url(b, "/?transports=websocket&access_token=" + demoToken("ops-demo-1")));
    browser.awaitConnected();
    browser.openWindow(Pages.url(c, "/?transports=sockjs&access_token=" + demoToken("ops-demo-2")));
    browser.awaitConnected();

    String admin = tokens.hs256(Tokens.sub("operator").roles("admin").expiresIn(Duration.ofHours(1)));
    browser.openWindow(Pages.url(a, "/ops?access_token=" + admin));
    List<String> members = Stream.of(a, b, c).map(NodeDeployment::nodeId).sorted().toList();
    browser.await("row per member", "JSON.stringify([...document.querySelectorAll('#nodes tr[data-node]')]"
        + ".map(row => row.dataset.node).sort()) === JSON.stringify(arguments[0])", members);
    Map<String, String> http = browser.script("return Object.fromEntries([...document.querySelectorAll('#nodes tr[data-node]')]"
        + ".map(row => [row.dataset.node, row.cells[1].textContent]));");
    for (NodeDeployment node : List.of(a, b, c)) {
      assertEquals("127.0.0.1:" + node.httpPort(), http.get(node.nodeId()), "the HTTP address of " + node.nodeId());
    }
    // Every node's row counts its clients: the ops page's stream on A, a demo page on each of B and C.
    browser.await("each node's connections", "[...document.querySelectorAll('#nodes tr[data-node]')]"
        + ".every(row => row.cells[3].textContent === '1')");
    assertEquals("live", browser.script("return document.getElementById('status').textContent;"));
    // A few reports more, for lines in the screenshot's charts (nothing is asserted on time).
    Browser.sleep(4_000);
    browser.screenshot(Pages.DOCS.resolve("ops.png"));
  }

  /**
   * A demo page per transport on A; B publishes {@value #EVENTS} numbered events to each page's user;
   * a quarter of the way in, A stops (gracefully: its clients are told to reconnect) and starts again
   * as a new member on the same port. The events published meanwhile wait in the cluster's history
   * (held by B and C), and each page, once it has reconnected and resumed from its cursor, has every
   * number exactly once and in order.
   */
  @Test
  void aNodeRestartMidStreamEndsWithEveryEventReceivedOnceOnEveryTransport() throws Exception {
    Map<String, String> windows = new LinkedHashMap<>();
    Map<String, Object> firstConnections = new LinkedHashMap<>();
    for (String transport : TRANSPORTS) {
      windows.put(transport, browser.openWindow(Pages.url(a, "/?transports=" + transport + "&access_token="
          + demoToken("restart-" + transport))));
      firstConnections.put(transport, browser.awaitConnected().get("connection"));
    }
    CompletableFuture<Void> publishing = CompletableFuture.runAsync(this::publishNumberedEvents);

    for (String transport : TRANSPORTS) {
      browser.window(windows.get(transport));
      browser.await("quarter of the events on " + transport, "heraldEvents.filter(e => e.address === arguments[0]).length"
          + " >= arguments[1]", "user.restart-" + transport, EVENTS / 4);
    }
    String stopped = a.nodeId();
    await(a.shutdown());
    int publishedWhileDown = published.get();
    awaitGone(stopped);
    a = cluster.startNode(Pages.serving("--http-port", Integer.toString(portOfA)));
    publishedWhileDown = published.get() - publishedWhileDown;
    List<String> members = Membership.of(a.vertx()).nodeIds();
    assertTrue(members.containsAll(List.of(b.nodeId(), c.nodeId())), "A joined B and C again: " + members);
    publishing.get(HeraldCluster.JOIN_SECONDS, TimeUnit.SECONDS);
    assertTrue(publishedWhileDown > 0, "events were published while A was down");

    List<Long> all = IntStream.rangeClosed(1, EVENTS).mapToObj(n -> (long) n).toList();
    for (String transport : TRANSPORTS) {
      browser.window(windows.get(transport));
      String address = "user.restart-" + transport;
      browser.await("last event on " + transport, Duration.ofSeconds(60),
          "herald.state === 'connected' && heraldEvents.some(e => e.address === arguments[0] && e.data.n === arguments[1])",
          address, EVENTS);
      assertEquals(all, browser.script("return heraldEvents.filter(e => e.address === arguments[0]).map(e => e.data.n);", address),
          transport + ": every event once, in order");
      List<String> states = browser.script("return heraldStates;");
      assertTrue(states.contains("reconnecting"), transport + ": the page lost its node: " + states);
      assertNotEquals(firstConnections.get(transport), browser.script("return herald.connection.connection;"),
          transport + ": a new connection, on the restarted node");
    }
  }

  /** B publishes 1..EVENTS to every restart page's user, one round every SPACING_MS, each event with its position. */
  private void publishNumberedEvents() {
    Vertx publisher = b.vertx();
    for (int n = 1; n <= EVENTS; n++) {
      for (String transport : TRANSPORTS) {
        JsonObject body = new JsonObject().put("n", n);
        await(onLoop(publisher, () -> HeraldNode.of(publisher).publish("user.restart-" + transport, "count", body,
            System.currentTimeMillis())));
      }
      published.set(n);
      Browser.sleep(SPACING_MS);
    }
  }

  /**
   * Waits until B and C have let the stopped member go. A member that starts on its Hazelcast
   * address before then is taken for it: the others refuse it, and it forms a cluster of its own.
   */
  private void awaitGone(String stopped) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HeraldCluster.JOIN_SECONDS);
    while (Stream.of(b, c).anyMatch(node -> Membership.of(node.vertx()).nodeIds().contains(stopped))) {
      assertTrue(System.nanoTime() < deadline, "B and C still list the stopped member " + stopped);
      Browser.sleep(100);
    }
  }

  /** A demo page's token: its user, group demo, the publisher role (as /dev/token gives the page in development mode). */
  private String demoToken(String sub) {
    return tokens.hs256(Tokens.sub(sub).groups("demo").roles("publisher").expiresIn(Duration.ofHours(1)));
  }
}
