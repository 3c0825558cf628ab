package io.herald.bridge.transport.sse;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Http.statsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that stops reading is cut off once its bounded queue overflows, and nobody else notices:
 * a well-behaved client on the same address keeps receiving every event throughout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SseSlowConsumerTest {

  private static final String A = "public.flood";
  private static final int QUEUE_SIZE = 8;
  private static final String PAYLOAD = "x".repeat(64 * 1024);
  /** Enough 64 KB events to fill any loopback socket buffers several times over, and still bounded. */
  private static final int MAX_ROUNDS = 400;
  private static final int PER_ROUND = 4;

  private Vertx vertx;
  private BridgeServer server;
  private HttpClient http1;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.server = await(BridgeServer.start(vertx, new BridgeOptions().setQueueSize(QUEUE_SIZE), AllowListRules.defaults()));
    this.http1 = vertx.createHttpClient();
  }

  @Test
  void closesAPausedHttp1ClientsTcpConnection() {
    SseClient slow = floodPausedClient(http1, () -> {
      // Cut off at once: the server does not wait for a client that does not read to read the rest.
      assertEquals(1, openConnectionsUntil(1), "TCP connections the server still has open");
    });
    assertNotNull(slow.failure(), "the stream was cut, not ended");
  }

  @Test
  void resetsAPausedH2Stream() {
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    SseClient slow = floodPausedClient(h2, () -> { });
    assertInstanceOf(StreamResetException.class, slow.failure());
  }

  private int openConnectionsUntil(int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    int open = await(server.openConnections());
    while (open != expected && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      open = await(server.openConnections());
    }
    return open;
  }

  /** Floods until the paused client is closed as slow, runs the check while it is still paused, returns it ended. */
  private SseClient floodPausedClient(HttpClient slowHttp, Runnable whileStillPaused) {
    SseClient good = open(http1);
    SseClient slow = open(slowHttp);
    slow.pause();

    // Small rounds the good client keeps up with (it has a queue of 8 too), until the paused one overflows.
    int published = 0;
    BridgeStats stats = await(server.stats());
    for (int round = 0; round < MAX_ROUNDS && stats.slowConsumerCloses() == 0; round++) {
      for (int i = 0; i < PER_ROUND; i++) {
        vertx.eventBus().publish(A, PAYLOAD);
      }
      published += PER_ROUND;
      await(good.nth("message", published));
      stats = await(server.stats());
    }
    assertEquals(1, stats.slowConsumerCloses(), "published " + published + " events of 64 KB");
    assertEquals(1, stats.connections());
    assertEquals(1, stats.consumers());
    assertEquals(1, stats.subscriptions());
    whileStillPaused.run();

    vertx.eventBus().publish(A, "after");
    Event after = await(good.nth("message", published + 1));
    assertEquals("after", new JsonObject(after.data()).getString("data"));
    assertEquals(published + 1, good.events("message").size(), "the good client missed nothing");

    // The paused client reads what was in flight, then finds its stream closed: a prefix, in order.
    slow.resume();
    await(slow.ended());
    List<String> slowIds = slow.events("message").stream().map(Event::id).toList();
    assertTrue(slowIds.size() < published, slowIds.size() + " of " + published);
    assertEquals(good.events("message").stream().map(Event::id).limit(slowIds.size()).toList(), slowIds);

    await(good.close());
    stats = statsUntil(server, s -> s.connections() == 0 && s.consumers() == 0);
    assertEquals(0, stats.connections());
    assertEquals(0, stats.consumers());
    assertEquals(0, stats.subscriptions());
    assertEquals(1, stats.slowConsumerCloses());

    // The node's meters say the same: one slow close, the queue's frames and the one that overflowed it dropped.
    MeterRegistry meters = HeraldNode.of(vertx).metrics().registry();
    assertEquals(1, meters.get("herald.connections.closed").tag("reason", "slow-consumer").counter().count());
    assertEquals(QUEUE_SIZE + 1, meters.get("herald.events.dropped").tag("reason", "slow-consumer").counter().count());
    assertEquals(1, meters.get("herald.connections.closed").tag("reason", "client-closed").counter().count(), "the good client left");
    assertEquals(0, meters.get("herald.connections.closed").tag("reason", "transport-error").counter().count());
    return slow;
  }

  private SseClient open(HttpClient http) {
    SseClient sse = await(SseClient.connect(http, server.port(), "/sse?address=" + A));
    await(sse.connected());
    return sse;
  }
}
