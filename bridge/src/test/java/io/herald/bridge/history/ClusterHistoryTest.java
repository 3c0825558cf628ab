package io.herald.bridge.history;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.history.hazelcast.HazelcastHistoryStore;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.herald.bridge.support.TestCluster;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * History on a real three-member Hazelcast cluster in this JVM: members A and B serve clients, C is
 * a microservice member that only publishes. Each test uses its own address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterHistoryTest {

  private final TestCluster cluster = new TestCluster();
  private Vertx a;
  private Vertx b;
  private Vertx c;
  private BridgeServer serverA;
  private BridgeServer serverB;
  private HttpClient http;

  @BeforeAll
  void startCluster() throws Exception {
    a = cluster.startMember().await(60, TimeUnit.SECONDS);
    b = cluster.startMember().await(60, TimeUnit.SECONDS);
    c = cluster.startMember().await(60, TimeUnit.SECONDS);
    for (Vertx member : List.of(a, b, c)) {
      HeraldNode.install(member, HistoryPolicy.defaults());
    }
    serverA = await(BridgeServer.start(a, new BridgeOptions(), AllowListRules.defaults()));
    serverB = await(BridgeServer.start(b, new BridgeOptions(), AllowListRules.defaults()));
    http = a.createHttpClient();
  }

  @AfterAll
  void stopCluster() throws Exception {
    cluster.close();
  }

  private SseClient subscribe(BridgeServer server, String address, String lastEventId) {
    SseClient sse = await(lastEventId == null
        ? SseClient.connect(http, server.port(), "/sse?address=" + address)
        : SseClient.resume(http, server.port(), "/sse?address=" + address, lastEventId));
    await(sse.connected());
    return sse;
  }

  /** Runs on an event loop, as test clients must (see {@link Http}); many may be in flight at once. */
  private Future<Integer> publish(BridgeServer server, String address, int n) {
    String body = new JsonObject().put("address", address).put("data", new JsonObject().put("n", n)).encode();
    Promise<Integer> status = Promise.promise();
    a.runOnContext(v -> http.request(HttpMethod.POST, server.port(), "127.0.0.1", "/api/publish")
        .compose(request -> request.putHeader("content-type", "application/json").send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(status));
    return status.future().map(code -> {
      assertEquals(202, code);
      return code;
    });
  }

  private static List<Integer> numbers(List<Event> events) {
    return events.stream().map(e -> new JsonObject(e.data()).getJsonObject("data").getInteger("n")).toList();
  }

  private static List<Long> seqs(List<Event> events) {
    return events.stream().map(e -> Position.parse(e.id()).seq()).toList();
  }

  private static HazelcastInstance hazelcast(Vertx member) {
    return ((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance();
  }

  private static List<Long> oneTo(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> (long) i).toList();
  }

  private JsonArray history(String address) {
    return Http.get(http, serverA.port(), "/api/history?address=" + address + "&limit=1000").json().getJsonArray("events");
  }

  @Test
  void aBusPublishFromAMemberWithoutHttpIsRecordedOnceAndReachesEveryNode() {
    String address = "user.bus";
    SseClient onA = subscribe(serverA, address, null);
    SseClient onB = subscribe(serverB, address, null);
    for (int n = 1; n <= 20; n++) {
      c.eventBus().publish(address, new JsonObject().put("n", n));
    }
    await(onA.nth("message", 20));
    await(onB.nth("message", 20));
    List<Integer> expected = IntStream.rangeClosed(1, 20).boxed().toList();
    assertEquals(expected, numbers(onA.events("message")));
    assertEquals(expected, numbers(onB.events("message")));
    assertEquals(oneTo(20), seqs(onA.events("message")));
    assertEquals(20, history(address).size(), "each event is in history once, not once per member");
  }

  @Test
  void publishesFromSeveralNodesReachEverySubscriberInPositionOrder() {
    String address = "group.busy";
    SseClient onA = subscribe(serverA, address, null);
    SseClient onB = subscribe(serverB, address, null);
    List<Future<Integer>> sent = new ArrayList<>();
    for (int n = 0; n < 50; n++) {
      sent.add(publish(serverA, address, n));
      sent.add(publish(serverB, address, 1000 + n));
      c.eventBus().publish(address, new JsonObject().put("n", 2000 + n));
    }
    await(Future.all(sent));
    await(onA.nth("message", 150));
    await(onB.nth("message", 150));
    assertEquals(oneTo(150), seqs(onA.events("message")), "no gap, no duplicate, in position order");
    assertEquals(numbers(onA.events("message")), numbers(onB.events("message")), "every subscriber sees the same order");
  }

  /**
   * A node sends an address's next append only when the one on its way returns: the events that came
   * meanwhile go to the owning member together (in groups of at most {@link Sequencer#MAX_GROUP}),
   * and are published in the order of the calls.
   */
  @Test
  void eventsPublishedWhileTheirAddressIsBeingAppendedToGoTogetherInTheirOrder() {
    String address = "group.grouped";
    SseClient onA = subscribe(serverA, address, null);
    SseClient onB = subscribe(serverB, address, null);
    HeraldNode nodeC = HeraldNode.of(c);
    Counter calls = nodeC.metrics().registry().get("herald.history.append.calls").counter();
    double callsBefore = calls.count();
    int events = Sequencer.MAX_GROUP + 44;
    List<Future<String>> ids = new ArrayList<>();
    for (int n = 0; n < events; n++) {
      ids.add(nodeC.publish(address, "message", new JsonObject().put("n", n), System.currentTimeMillis()));
    }
    await(Future.all(ids));
    assertEquals(oneTo(events), ids.stream().map(id -> Position.parse(id.result()).seq()).toList(), "positions in the order of the calls");
    List<Integer> inOrder = IntStream.range(0, events).boxed().toList();
    for (SseClient subscriber : List.of(onA, onB)) {
      await(subscriber.nth("message", events));
      assertEquals(inOrder, numbers(subscriber.events("message")));
      assertEquals(oneTo(events), seqs(subscriber.events("message")));
    }
    double appendCalls = calls.count() - callsBefore;
    // The first event goes alone; the loop issues the rest long before a round trip to the owner returns.
    assertTrue(appendCalls >= 3 && appendCalls < events / 10.0, appendCalls + " appends for " + events + " events");
    assertEquals(events, history(address).size());
  }

  @Test
  void aClientResumesOnAnotherNode() {
    String address = "user.roaming";
    SseClient onA = subscribe(serverA, address, null);
    for (int n = 1; n <= 5; n++) {
      await(publish(serverA, address, n));
    }
    await(onA.nth("message", 5));
    String cursor = onA.lastEventId();
    await(onA.close());
    for (int n = 6; n <= 10; n++) {
      await(publish(serverB, address, n));
    }
    SseClient onB = subscribe(serverB, address, cursor);
    await(onB.nth("message", 5));
    c.eventBus().publish(address, new JsonObject().put("n", 11));
    await(onB.nth("message", 6));
    assertEquals(IntStream.rangeClosed(6, 11).boxed().toList(), numbers(onB.events("message")));
  }

  /**
   * An event's time is the clock of the node that published it. Here B's clock is an hour and a half
   * behind A's (the retention is an hour): its event, between two of A's, looks too old to whoever
   * reads history by A's clock, while A's first event does not. A client resuming after that first
   * event used to be given the third without the second, and no reset: a silent gap. Any skew does
   * the same for reads at the retention's boundary.
   */
  @Test
  void anEventStampedBySlowerClockIsNotSkippedByAResume() {
    String address = "user.skewed";
    long now = System.currentTimeMillis();
    String first = await(HeraldNode.of(a).sequencer().publish(address, "message", new JsonObject().put("n", 1), now));
    await(HeraldNode.of(b).sequencer().publish(address, "message", new JsonObject().put("n", 2), now - 90 * 60_000));
    await(HeraldNode.of(a).sequencer().publish(address, "message", new JsonObject().put("n", 3), now));
    SseClient resumed = subscribe(serverB, address, first);
    await(resumed.nth("message", 1));
    assertEquals(List.of(), resumed.events("reset"));
    assertEquals(List.of(2), numbers(resumed.events("message")).subList(0, 1), "the event after the cursor comes first");
    await(resumed.nth("message", 2));
    assertEquals(List.of(2, 3), numbers(resumed.events("message")));
    // The client's pool to a server is small, and the other tests' streams stay open.
    await(resumed.close());
  }

  /**
   * History of an address nobody published to or read for a day is dropped (the map's max-idle;
   * here evicted at once), while a subscriber on A still stands at its last position. A client that
   * subscribes there afresh, with no cursor, has nothing history could fail to continue: it gets no
   * reset, and the events that follow.
   */
  @Test
  void aClientWithoutCursorGetsNoResetWhereHistoryWasDropped() {
    String address = "user.dropped";
    SseClient staying = subscribe(serverA, address, null);
    await(publish(serverA, address, 1));
    await(staying.nth("message", 1));
    hazelcast(a).getMap(HazelcastHistoryStore.MAP).evict(address);
    SseClient fresh = subscribe(serverA, address, null);
    await(publish(serverB, address, 2));
    await(fresh.nth("message", 1));
    assertEquals(List.of(2), numbers(fresh.events("message")));
    assertEquals(List.of(), fresh.events("reset"), "no cursor, nothing missed");
    await(staying.nth("message", 2));
    assertEquals(1, staying.events("reset").size(), "the subscriber from the old epoch is told");
    await(staying.close());
    await(fresh.close());
  }

  /**
   * As above, but the fresh client goes away before any event and comes back with the cursor its
   * connected event gave it. That cursor was the node's stale position in the dropped epoch, which
   * history cannot continue: the client got a reset though it had missed nothing. The frame
   * transports' register ack showed the same stale position.
   */
  @Test
  void aClientWithoutCursorIsGivenAStartHistoryCanContinueWhereHistoryWasDropped() {
    String address = "user.dropped2";
    SseClient staying = subscribe(serverA, address, null);
    await(publish(serverA, address, 1));
    Position old = Position.parse(await(staying.nth("message", 1)).id());
    hazelcast(a).getMap(HazelcastHistoryStore.MAP).evict(address);

    SseClient fresh = subscribe(serverA, address, null);
    String start = await(fresh.connected()).id();
    await(fresh.close());
    FrameClient frames = await(FrameClient.webSocket(a, serverA.port()));
    await(frames.send(new JsonObject().put("type", "register").put("address", address).put("id", "r1")));
    String acked = await(frames.next(f -> "ack".equals(f.getString("type")))).getString("position");
    await(frames.close());
    assertNotEquals(old.epoch(), Position.parse(start).epoch(), "connected id " + start);
    assertNotEquals(old.epoch(), Position.parse(acked).epoch(), "register ack " + acked);

    SseClient back = subscribe(serverA, address, start);
    await(publish(serverB, address, 2));
    await(back.nth("message", 1));
    assertEquals(List.of(2), numbers(back.events("message")));
    assertEquals(List.of(), back.events("reset"), "nothing was missed");
    await(back.close());
    await(staying.close());
  }

  @Test
  void historySurvivesTheCrashOfAnyOneMember() throws Exception {
    TestCluster small = new TestCluster();
    try (small) {
      Vertx x = small.startMember().await(60, TimeUnit.SECONDS);
      Vertx y = small.startMember().await(60, TimeUnit.SECONDS);
      Vertx z = small.startMember().await(60, TimeUnit.SECONDS);
      HeraldNode nodeX = HeraldNode.install(x, HistoryPolicy.defaults());
      HeraldNode.install(y, HistoryPolicy.defaults());
      HeraldNode.install(z, HistoryPolicy.defaults());
      List<String> addresses = IntStream.range(0, 40).mapToObj(i -> "user.crash" + i).toList();
      // Not awaited one by one: an address's second and third events go in one append, which the
      // backups must apply as the owners did.
      List<Future<String>> published = new ArrayList<>();
      for (String address : addresses) {
        for (int n = 1; n <= 3; n++) {
          published.add(nodeX.sequencer().publish(address, "message", n, System.currentTimeMillis()));
        }
      }
      Future.all(published).await(30, TimeUnit.SECONDS);
      List<Position> before = new ArrayList<>();
      for (String address : addresses) {
        before.add(nodeX.history().head(address).await(10, TimeUnit.SECONDS));
      }
      // A crash, not a goodbye: the member drops out without migrating anything.
      HazelcastInstance victim = ((HazelcastClusterManager) ((VertxInternal) z).clusterManager()).getHazelcastInstance();
      victim.getLifecycleService().terminate();
      for (int i = 0; i < addresses.size(); i++) {
        HistoryPage page = nodeX.history().read(addresses.get(i), 0, 10).await(30, TimeUnit.SECONDS);
        assertEquals(before.get(i), page.head(), addresses.get(i) + " keeps its epoch and numbering");
        assertEquals(List.of("1", "2", "3"), page.events().stream().map(StoredEvent::dataJson).toList(), addresses.get(i) + " keeps its events, in order");
      }
    }
  }

  /**
   * A frame client resumes its user channel by registering it with {@code since}, as soon as it is
   * welcomed. The server opened that channel itself when the client authenticated and is catching it
   * up from "now", a read of the Hazelcast history that takes a moment: a register arriving during
   * that read must still restart the channel from its cursor. It used to be ignored, so a browser
   * back from a node restart lost what was published while it was away (the browser tests found it).
   */
  @Test
  void aUserChannelResumedTheMomentItOpensGetsWhatWasMissed(@TempDir Path keys) {
    BridgeServer authenticated = await(BridgeServer.start(b, new BridgeOptions(), RuleSet.defaults(),
        JwtAuthenticator.create(b, JwtSettings.hmac(Tokens.SECRET))));
    Tokens tokens = Tokens.create(b, keys);
    for (int round = 1; round <= 5; round++) {
      String user = "returning" + round;
      String address = "user." + user;
      for (int n = 1; n <= 3; n++) {
        await(publish(serverA, address, n));
      }
      String first = history(address).getJsonObject(0).getString("id");
      FrameClient client = await(FrameClient.webSocket(b, authenticated.port()));
      // Both frames at once: the register is handled as soon as the user channel is registered.
      client.send(new JsonObject().put("type", "auth").put("token", tokens.hs256(Tokens.sub(user))).put("id", "a1"));
      client.send(new JsonObject().put("type", "register").put("address", address).put("since", first).put("id", "r1"));
      await(client.next(f -> "rec".equals(f.getString("type")) && f.getJsonObject("body").getInteger("n") == 3));
      List<Integer> got = client.history().stream().filter(f -> "rec".equals(f.getString("type")))
          .map(f -> f.getJsonObject("body").getInteger("n")).toList();
      assertEquals(List.of(2, 3), got, "round " + round);
      await(client.close());
    }
  }

  /**
   * The same resume by a client whose token came with the handshake ({@code ?access_token=}): the
   * server starts registering the user channel when the socket opens, and the client's register
   * with {@code since}, sent without waiting for the welcome, may arrive before that registration
   * has completed. It must still restart the channel from its cursor.
   */
  @Test
  void aUserChannelResumedBeforeItsRegistrationCompletedGetsWhatWasMissed(@TempDir Path keys) {
    BridgeServer authenticated = await(BridgeServer.start(b, new BridgeOptions(), RuleSet.defaults(),
        JwtAuthenticator.create(b, JwtSettings.hmac(Tokens.SECRET))));
    Tokens tokens = Tokens.create(b, keys);
    for (int round = 1; round <= 5; round++) {
      String user = "handshake" + round;
      String address = "user." + user;
      for (int n = 1; n <= 3; n++) {
        await(publish(serverA, address, n));
      }
      String first = history(address).getJsonObject(0).getString("id");
      FrameClient client = await(WebSocketFrameClient.raw(b, authenticated.port(),
          "/ws?access_token=" + tokens.hs256(Tokens.sub(user))).map(c -> (FrameClient) c));
      client.send(new JsonObject().put("type", "register").put("address", address).put("since", first).put("id", "r1"));
      await(client.next(f -> "welcome".equals(f.getString("type"))));
      JsonObject ack = await(client.next(f -> "ack".equals(f.getString("type")) && "r1".equals(f.getValue("ref"))));
      await(b.timer(1000));
      List<Integer> got = client.history().stream().filter(f -> "rec".equals(f.getString("type")))
          .map(f -> f.getJsonObject("body").getInteger("n")).toList();
      assertEquals(List.of(2, 3), got, "round " + round + ": events after the cursor " + first + "; ack " + ack.encode());
      await(client.close());
    }
  }

  /**
   * {@code connected} is a stream's first event even while its addresses are busy on the node (a
   * consumer hears local publishes before its registration has completed), and what came meanwhile
   * follows it: an address's events run on from the cursor {@code connected} gave, without a gap.
   */
  @Test
  void connectedComesFirstOnABusyStreamAndTheEventsBehindItFollow() {
    int[] published = {0};
    long publisher = a.setPeriodic(1, t -> {
      published[0]++;
      a.eventBus().publish("user.busy", new JsonObject().put("n", published[0]));
      a.eventBus().publish("public.busy", new JsonObject().put("n", published[0]));
    });
    try {
      for (int round = 1; round <= 10; round++) {
        // Two addresses with history, so that one may be registered while the other is not yet.
        SseClient sse = await(SseClient.connect(http, serverA.port(),
            "/sse?address=user.busy&address=public.busy&address=user.quiet" + round));
        Event connected = await(sse.connected());
        assertEquals("connected", sse.events().get(0).type(), "round " + round + ": " + sse.events());
        long cursor = Arrays.stream(connected.id().split(",")).filter(part -> part.startsWith("user.busy="))
            .mapToLong(part -> Position.parse(part.substring("user.busy=".length())).seq()).findFirst().orElseThrow();
        await(sse.nth("message", 40));
        List<Integer> busy = sse.events("message").stream().map(e -> new JsonObject(e.data()))
            .filter(envelope -> "user.busy".equals(envelope.getString("address")))
            .map(envelope -> envelope.getJsonObject("data").getInteger("n")).toList();
        assertEquals(IntStream.rangeClosed((int) cursor + 1, (int) cursor + busy.size()).boxed().toList(), busy,
            "round " + round + ": user.busy after the cursor " + connected.id());
        await(sse.close());
      }
    } finally {
      a.cancelTimer(publisher);
    }
  }
}
