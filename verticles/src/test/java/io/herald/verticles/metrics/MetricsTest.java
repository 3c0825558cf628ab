package io.herald.verticles.metrics;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.HeraldNode;
import io.herald.bridge.auth.AuthFailure;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of a node built as the launcher builds it, scraped over HTTP before and after
 * a scripted workload of real clients: every Herald meter moves by exactly what the workload did.
 * One HTTP verticle instance, so an address has one hub and the latency is recorded once per event.
 */
@Timeout(90)
class MetricsTest {

  private static final String ADDRESS = "group.metrics";
  private static final int EVENTS = 10;

  private final String admin = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("ops").roles("admin"));
  private final String publisher = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("billing").roles("publisher"));

  private Vertx nodeVertx;
  private NodeDeployment node;
  private Vertx clients;
  private HttpClient http;

  @BeforeEach
  void start() {
    nodeVertx = MeteredVertx.builder().build();
    node = await(onLoop(nodeVertx, () -> NodeDeployment.deploy(nodeVertx, HeraldCluster.config("--http-instances", "1"))));
    clients = Vertx.vertx();
    http = clients.createHttpClient();
  }

  @AfterEach
  void stop() {
    await(clients.close());
    await(nodeVertx.close());
  }

  @Test
  void aScriptedWorkloadMovesEveryMeterByWhatItDid() {
    Scrape before = scrape();

    // Two SSE streams and one WebSocket on the address; each also receives its user's address.
    SseClient alice = sse("alice");
    SseClient bob = sse("bob");
    FrameClient carol = await(WebSocketFrameClient.raw(clients, node.httpPort(), "/ws?access_token=" + member("carol")).map(c -> (FrameClient) c));
    await(carol.send(register(ADDRESS, "r1")).compose(v -> carol.next(ack("r1"))));

    Scrape connected = scrape();
    assertEquals(2, connected.delta(before, "herald_connections", "transport", "sse"), connected::toString);
    assertEquals(1, connected.delta(before, "herald_connections", "transport", "websocket"));
    assertEquals(0, connected.delta(before, "herald_connections", "transport", "sockjs"));
    assertEquals(1, connected.value("herald_connections", "transport", "sse", "node", HeraldNode.of(nodeVertx).key()) > 0 ? 1 : 0,
        "the gauge names the node");
    assertEquals(6, connected.delta(before, "herald_subscriptions"), "three connections on the address and each on its user's");
    assertEquals(4, connected.delta(before, "herald_bus_consumers"), "the address and three user addresses, one hub");

    for (int i = 1; i <= EVENTS; i++) {
      JsonObject event = new JsonObject().put("group", "metrics").put("data", new JsonObject().put("n", i));
      Http.Reply published = Http.call(http, HttpMethod.POST, node.httpPort(), "/api/publish",
          io.vertx.core.buffer.Buffer.buffer(event.encode()), bearer(publisher));
      assertEquals(202, published.status(), published.body().toString());
    }
    await(alice.nth("message", EVENTS));
    await(bob.nth("message", EVENTS));
    for (int i = 0; i < EVENTS; i++) {
      await(carol.next(rec(ADDRESS)));
    }

    // One bad token at the door: an expired one.
    String expired = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("mallory").groups("metrics").expiredAgo(Duration.ofMinutes(5)));
    assertEquals(401, Http.get(http, node.httpPort(), "/sse?address=" + ADDRESS + "&access_token=" + expired).status());

    Scrape published = scrape();
    assertEquals(EVENTS, published.delta(before, "herald_events_published_total", "target", "group"), published::toString);
    assertEquals(EVENTS, published.delta(before, "herald_events_published_total"), "no other kind of target");
    assertEquals(2 * EVENTS, published.delta(before, "herald_events_delivered_total", "transport", "sse"));
    assertEquals(EVENTS, published.delta(before, "herald_events_delivered_total", "transport", "websocket"));
    assertEquals(3 * EVENTS, published.delta(before, "herald_events_delivered_total"));
    assertEquals(EVENTS, published.delta(before, "herald_delivery_latency_seconds_count"), "once per event per hub, not per subscriber");
    assertEquals(EVENTS, published.delta(before, "herald_delivery_latency_seconds_bucket", "le", "+Inf"));
    assertTrue(published.value("herald_delivery_latency_seconds_bucket") > published.value("herald_delivery_latency_seconds_count"),
        "buckets for quantiles, not only a count");
    assertEquals(EVENTS, published.delta(before, "herald_history_appends_total"));
    assertEquals(EVENTS, published.delta(before, "herald_history_append_calls_total"), "one at a time: nothing waited for an append");
    assertEquals(0, published.delta(before, "herald_history_append_failures_total"));
    assertEquals(1, published.value("herald_history_addresses"), "the address with history that was published to");
    assertEquals(1, published.delta(before, "herald_auth_failures_total", "reason", AuthFailure.EXPIRED.code()));
    assertEquals(1, published.delta(before, "herald_auth_failures_total"), "the one bad token and nothing else");
    assertEquals(0, published.delta(before, "herald_events_dropped_total"));

    // A client that reconnects with its last id is replayed what it missed from history.
    String lastId = alice.events("message").get(3).id();
    SseClient resumed = await(SseClient.resume(http, node.httpPort(), "/sse?address=" + ADDRESS + "&access_token=" + member("alice"), lastId));
    await(resumed.nth("message", EVENTS - 4));

    // Everyone leaves.
    for (SseClient client : List.of(alice, bob, resumed)) {
      await(client.close());
    }
    await(carol.close());
    Scrape gone = scrapeUntil(s -> s.value("herald_connections") == before.value("herald_connections"));
    assertEquals(0, gone.delta(before, "herald_connections"), gone::toString);
    assertEquals(0, gone.delta(before, "herald_subscriptions"));
    assertEquals(0, gone.delta(before, "herald_bus_consumers"));
    assertEquals(4, gone.delta(before, "herald_connections_closed_total", "reason", "client-closed"), gone::toString);
    assertEquals(4, gone.delta(before, "herald_connections_closed_total"));
    assertEquals(EVENTS - 4, gone.delta(before, "herald_history_replayed_total"));
    assertEquals(3 * EVENTS, gone.delta(before, "herald_events_delivered_total"), "replays are not live deliveries");
  }

  @Test
  void metricsNeedTheAdminRoleOnceAKeyIsConfigured() {
    Scrape before = scrape();
    Http.Reply anonymous = Http.get(http, node.httpPort(), MetricsEndpoint.PATH);
    assertEquals(401, anonymous.status());
    Http.Reply reader = Http.call(http, HttpMethod.GET, node.httpPort(), MetricsEndpoint.PATH, null, bearer(member("alice")));
    assertEquals(403, reader.status());
    Http.Reply forged = Http.call(http, HttpMethod.GET, node.httpPort(), MetricsEndpoint.PATH, null,
        bearer(Tokens.hs256WithSecret(Tokens.OTHER_SECRET, Tokens.sub("ops").roles("admin"))));
    assertEquals(401, forged.status());

    Scrape after = scrape();
    assertEquals(1, after.delta(before, "herald_auth_failures_total", "reason", AuthFailure.MISSING.code()));
    assertEquals(1, after.delta(before, "herald_auth_failures_total", "reason", AuthFailure.BAD_SIGNATURE.code()));
    assertEquals(2, after.delta(before, "herald_auth_failures_total"), "a token without the role is refused, but it is a valid token");
  }

  @Test
  void vertxJvmAndNettyMetersAreScrapedWithHeralds() {
    SseClient alice = sse("alice");
    Scrape scrape = scrape();
    for (String name : List.of(
        "vertx_http_server_active_connections", "vertx_eventbus_handlers",
        "jvm_memory_used_bytes", "jvm_gc_live_data_size_bytes", "jvm_threads_live_threads", "process_cpu_usage",
        "netty_allocator_memory_used", "netty_eventexecutor_tasks_pending",
        "herald_cluster_members", "herald_cluster_joined", "herald_event_loop_heartbeat_age_seconds")) {
      assertTrue(scrape.has(name), name + " in\n" + scrape);
    }
    assertEquals(1, scrape.value("herald_cluster_members"), "standalone: itself");
    assertEquals(1, scrape.value("herald_cluster_joined"));
    assertTrue(scrape.value("herald_event_loop_heartbeat_age_seconds") < 30, "the loops beat");
    await(alice.close());
  }

  /** Every series the shipped dashboard queries is one the node exports (or one that appears only in a cluster or once it happened). */
  @Test
  void theGrafanaDashboardQueriesSeriesTheNodeExports() throws Exception {
    SseClient alice = sse("alice");
    Scrape scrape = scrape();
    JsonObject dashboard = new JsonObject(Files.readString(Path.of("..", "docs", "grafana-herald.json")));
    Set<String> queried = new TreeSet<>();
    Matcher names = Pattern.compile("\\b((?:herald|vertx|jvm|netty|process)_[a-z_]+)").matcher("");
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets", new JsonArray())) {
        names.reset(((JsonObject) target).getString("expr"));
        while (names.find()) {
          queried.add(names.group(1));
        }
      }
    }
    Set<String> onlyWhenItHappens = Set.of("herald_cluster_safe", "vertx_eventbus_reply_failures_total", "jvm_gc_pause_seconds_sum");
    assertTrue(queried.containsAll(Set.of("herald_connections", "herald_events_delivered_total", "herald_delivery_latency_seconds_bucket",
        "jvm_memory_used_bytes", "netty_allocator_memory_used")), queried::toString);
    for (String name : queried) {
      assertTrue(scrape.has(name) || onlyWhenItHappens.contains(name), name + " is queried but not exported");
    }
    await(alice.close());
  }

  private SseClient sse(String user) {
    SseClient client = await(SseClient.connect(http, node.httpPort(), "/sse?address=" + ADDRESS, member(user)));
    await(client.connected());
    return client;
  }

  private static String member(String user) {
    return Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub(user).groups("metrics"));
  }

  private static MultiMap bearer(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token);
  }

  private Scrape scrape() {
    Http.Reply reply = Http.call(http, HttpMethod.GET, node.httpPort(), MetricsEndpoint.PATH, null, bearer(admin));
    assertEquals(200, reply.status(), reply.body().toString());
    assertEquals(MetricsEndpoint.CONTENT_TYPE, reply.contentType());
    return new Scrape(reply.body().toString());
  }

  private Scrape scrapeUntil(Predicate<Scrape> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    Scrape scrape = scrape();
    while (!condition.test(scrape) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      scrape = scrape();
    }
    return scrape;
  }
}
