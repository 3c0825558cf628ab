package io.herald.bridge.transport.sockjs;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.assertAck;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Http.Reply;
import io.herald.bridge.support.NodeChooser;
import io.herald.bridge.support.RawHttp;
import io.herald.bridge.support.TestCluster;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.herald.bridge.support.XhrStreamingFrameClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SockJS sessions used from any node: two (for one test, three) Hazelcast members in this JVM, each
 * running a bridge on its own loopback port, and SockJS clients whose successive requests go to
 * different nodes, as behind a round-robin load balancer without sticky sessions.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SockJsAffinityTest {

  private static final AddressRules RULES = new AllowListRules(List.of("public.*", "service.*"));
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final int EVENTS_PER_NODE = 10;

  /** Held, so the level set on it stays: every record of the bridge's loggers reaches the capture. */
  private static final Logger HERALD_LOGS = Logger.getLogger("io.herald");

  private static TestCluster cluster;
  private static Vertx memberA;
  private static Vertx memberB;
  private static BridgeServer a;
  private static BridgeServer b;
  private static String token;
  private static String query;

  private HttpClient http;
  private final List<FrameClient> clients = new ArrayList<>();
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler logCapture = new Handler() {
    private final SimpleFormatter format = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      logged.add(format.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void startNodes() throws Exception {
    HERALD_LOGS.setLevel(Level.ALL);
    cluster = new TestCluster();
    memberA = cluster.startMember().await(60, TimeUnit.SECONDS);
    memberB = cluster.startMember().await(60, TimeUnit.SECONDS);
    a = startNode(memberA);
    b = startNode(memberB);
    token = Tokens.hs256WithSecret(Tokens.SECRET, Tokens.sub("alice").expiresIn(Duration.ofHours(1)));
    query = "access_token=" + token;
  }

  private static BridgeServer startNode(Vertx member) {
    JwtAuthenticator tokens = JwtAuthenticator.create(member, JwtSettings.hmac(Tokens.SECRET));
    return await(BridgeServer.startNode(member, new BridgeOptions(), RULES, tokens));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    cluster.close();
    HERALD_LOGS.setLevel(null);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    http = vertx.createHttpClient();
    Logger.getLogger("").addHandler(logCapture);
  }

  @AfterEach
  void tearDown() {
    Logger.getLogger("").removeHandler(logCapture);
    clients.forEach(FrameClient::close);
    await(http.close());
    // Whatever happened, no token reached a log.
    assertFalse(logged.stream().anyMatch(line -> line.contains(token)), () -> "a token was logged: " + logged);
  }

  /** xhr requests take turns A, B, A...; xhr_send requests B, A, B... */
  private static NodeChooser alternating(BridgeServer first, BridgeServer second) {
    return (transport, n) -> (transport.equals("xhr_send") ? n + 1 : n) % 2 == 0 ? first.port() : second.port();
  }

  @Test
  void pollingSessionWorksWhicheverNodeEachRequestReaches(Vertx vertx) {
    XhrPollingFrameClient client = track(await(XhrPollingFrameClient.open(vertx, alternating(a, b), query)));
    // Recorded before the open frame went out: the client could have sent its next request anywhere.
    assertEquals(a.nodeAddress(), ownerOf(client.sessionId()));

    String address = "public.polling" + NEXT.incrementAndGet();
    subscribe(client, address);
    everyEventOnceInOrder(client, address);
    requestReplyRoundTrips(client);
  }

  @Test
  void streamOpenedThroughAnotherNodeCarriesTheSession(Vertx vertx) {
    String path = newSessionPath();
    Reply opened = post(a, path + "/xhr?" + query, "");
    assertEquals(200, opened.status(), () -> opened.body().toString());
    assertEquals("o\n", opened.body().toString());
    assertEquals(a.nodeAddress(), ownerOf(sessionId(path)));

    // The stream goes through B for A's session; sends take turns B, A, B...
    NodeChooser nodes = (transport, n) -> transport.equals("xhr_streaming") || n % 2 == 0 ? b.port() : a.port();
    XhrStreamingFrameClient client = track(await(XhrStreamingFrameClient.attach(vertx, path, nodes, query)));
    String address = "public.streaming" + NEXT.incrementAndGet();
    subscribe(client, address);
    everyEventOnceInOrder(client, address);
    requestReplyRoundTrips(client);
  }

  @Test
  void aSessionsOwnerEntryGoesWithTheSession(Vertx vertx) {
    XhrPollingFrameClient client = await(XhrPollingFrameClient.open(vertx, alternating(a, b), query));
    subscribe(client, "public.closing" + NEXT.incrementAndGet());
    assertEquals(a.nodeAddress(), ownerOf(client.sessionId()));
    await(client.close());
    // vertx-web lets a session go a few seconds after its client left (its session timeout).
    assertNull(ownerWhen(client.sessionId(), Objects::isNull), "the entry outlived the session");
  }

  @Test
  void aClientLeavingAForwardedStreamLeavesTheOwnerToo(Vertx vertx) {
    String path = newSessionPath();
    assertEquals(200, post(a, path + "/xhr?" + query, "").status());
    XhrStreamingFrameClient client = await(XhrStreamingFrameClient.attach(vertx, path, NodeChooser.only(b.port()), query));
    subscribe(client, "public.leaving" + NEXT.incrementAndGet());
    await(client.close());
    // B ends its exchange with A at once, so A lets the session go (and its entry with it) well
    // before the next heartbeat would have found the client gone.
    assertNull(ownerWhen(sessionId(path), Objects::isNull, 5), "the session outlived its client on the owner");
  }

  @Test
  void aClientLeavingBeforeItsStreamIsForwardedLeavesTheSessionAlone(Vertx vertx) {
    String path = newSessionPath();
    assertEquals("o\n", post(a, path + "/xhr?" + query, "").body().toString());
    // A stream for A's session reaches B, and its client hangs up while B is still finding and
    // reaching the holder: here a handler of the test's closes the connection as B's own handlers
    // start on the request (the close lands during B's lookup of the holder).
    b.router().route(path + "/eventsource").order(-1).handler(rc -> {
      rc.request().connection().close();
      rc.next();
    });
    RawHttp raw = new RawHttp(vertx);
    try {
      // Closed without an answer.
      await(raw.exchange(b.port(), RawHttp.request("GET", path + "/eventsource?" + query, java.util.Map.of(), null), 5_000)
          .otherwiseEmpty());
    } finally {
      await(raw.close());
    }
    await(memberA.timer(500));

    // Nothing may be attached to the session on A for that client: the session's own client goes on.
    String register = new JsonObject().put("type", "register").put("address", "public.alone").put("id", "r1").encode();
    Reply sent = post(a, path + "/xhr_send?" + query, new io.vertx.core.json.JsonArray().add(register).encode());
    assertEquals(204, sent.status(), () -> sent.body().toString());
    Reply poll = post(a, path + "/xhr?" + query, "");
    assertEquals(200, poll.status(), () -> poll.body().toString());
    assertTrue(poll.body().toString().startsWith("a[") && poll.body().toString().contains("r1"),
        () -> "the session's next poll did not get the register's ack: " + poll.body());
  }

  @Test
  void tokensAreStillChecked(Vertx vertx) {
    XhrPollingFrameClient client = track(await(XhrPollingFrameClient.open(vertx, alternating(a, b), query)));
    String bad = Tokens.hs256WithSecret(Tokens.OTHER_SECRET, Tokens.sub("mallory").expiresIn(Duration.ofHours(1)));
    // Through B, the node that does not hold the session: refused all the same.
    Reply refused = post(b, client.path() + "/xhr_send?access_token=" + bad, "[\"{\\\"type\\\":\\\"register\\\"}\"]");
    assertEquals(401, refused.status(), () -> refused.body().toString());
    assertEquals("unauthorized", refused.errorCode());
    subscribe(client, "public.checked" + NEXT.incrementAndGet());
    assertFalse(logged.stream().anyMatch(line -> line.contains(bad)), () -> "a token was logged: " + logged);
  }

  @Test
  void aSessionWhoseOwnerCannotBeReachedIsAnsweredAsUnknown() throws IOException {
    String path = newSessionPath();
    String session = sessionId(path);
    String deadNode = "127.0.0.1:" + closedPort();

    record(session, deadNode);
    Reply send = post(b, path + "/xhr_send?" + query, "[\"{}\"]");
    assertEquals(404, send.status(), () -> send.body().toString());
    assertEquals("not-found", send.errorCode());
    assertNull(ownerOf(session), "the unreachable owner's entry was kept");

    record(session, deadNode);
    Reply poll = post(b, path + "/xhr?" + query, "");
    assertEquals(200, poll.status(), () -> poll.body().toString());
    assertEquals("o\n", poll.body().toString());
    assertEquals(b.nodeAddress(), ownerOf(session));
    assertTrue(logged.stream().anyMatch(line -> line.contains(deadNode)), () -> "no log of the unreachable node: " + logged);
  }

  @Test
  void aForwardedRequestIsAnsweredWhereItArrives() {
    String path = newSessionPath();
    String session = sessionId(path);
    record(session, b.nodeAddress());
    MultiMap forwarded = MultiMap.caseInsensitiveMultiMap().add(OwnerForwarder.FORWARDED_HEADER, "1");
    // A takes the session here rather than passing it on to B, as the map says: no forwarding loops.
    Reply poll = Http.call(http, HttpMethod.POST, a.port(), path + "/xhr?" + query, Buffer.buffer(), forwarded);
    assertEquals(200, poll.status(), () -> poll.body().toString());
    assertEquals("o\n", poll.body().toString());
    assertEquals(a.nodeAddress(), ownerOf(session));
  }

  @Test
  void aStoppedOwnersSessionGetsTheAnswerForAnUnknownSession(Vertx vertx) throws Exception {
    Vertx memberC = cluster.startMember().await(60, TimeUnit.SECONDS);
    BridgeServer c = startNode(memberC);
    XhrPollingFrameClient live = track(await(XhrPollingFrameClient.open(vertx, alternating(c, b), query)));
    subscribe(live, "public.stopping" + NEXT.incrementAndGet());
    // A second session, quiet when C stops, so that the next request for it is the test's own.
    XhrPollingFrameClient quiet = await(XhrPollingFrameClient.open(vertx, alternating(c, b), query));
    subscribe(quiet, "public.quiet" + NEXT.incrementAndGet());
    assertEquals(c.nodeAddress(), ownerOf(quiet.sessionId()));
    await(quiet.close());

    await(cluster.stopMember(memberC));
    // The live client learns that its session ended (a close frame, a lost session or a refused
    // poll, as timing has it) rather than waiting on it.
    await(live.closed());
    Reply send = post(b, quiet.path() + "/xhr_send?" + query, "[\"{}\"]");
    assertEquals(404, send.status(), () -> send.body().toString());
    assertEquals("not-found", send.errorCode());
    Reply poll = post(b, quiet.path() + "/xhr?" + query, "");
    assertEquals(200, poll.status(), () -> poll.body().toString());
    assertEquals("o\n", poll.body().toString());
    assertEquals(b.nodeAddress(), ownerOf(quiet.sessionId()));
  }

  @Test
  void aDrainingOwnersPollingClientTakesItsFarewellThroughAnotherNode() throws Exception {
    Vertx memberC = cluster.startMember().await(60, TimeUnit.SECONDS);
    BridgeServer c = startNode(memberC);
    String path = newSessionPath();
    Reply opened = post(c, path + "/xhr?" + query, "");
    assertEquals("o\n", opened.body().toString());
    assertEquals(c.nodeAddress(), ownerOf(sessionId(path)));

    // C drains: it closes the session with a farewell, which waits for the client's next poll
    // (for up to a second). That poll reaches B, as a round-robin balancer sends it.
    Future<Void> undeployed = c.undeploy();
    await(memberA.timer(300));
    Reply poll = post(b, path + "/xhr?" + query, "");
    await(undeployed);
    await(cluster.stopMember(memberC));
    assertEquals(200, poll.status(), () -> poll.body().toString());
    assertTrue(poll.body().toString().startsWith("a[") && poll.body().toString().contains("shutdown"),
        () -> "the poll through B did not carry C's farewell: " + poll.body());
  }

  // ---- the checks each transport must pass -------------------------------------------------

  private static void subscribe(FrameClient client, String address) {
    String id = "r-" + address;
    await(client.send(register(address, id)));
    assertAck(await(client.next(ack(id))), id, "register", address);
  }

  /**
   * A series of events published through B (not the session's node: they cross the cluster), then
   * one through A, arrive in order, each once. Each series is awaited before the next is published:
   * the publish API's 202 means accepted, and the event bus keeps order per sending node only.
   */
  private void everyEventOnceInOrder(FrameClient client, String address) {
    for (BridgeServer door : List.of(b, a)) {
      int first = door == b ? 0 : EVENTS_PER_NODE;
      for (int n = first; n < first + EVENTS_PER_NODE; n++) {
        JsonObject event = new JsonObject().put("address", address).put("data", new JsonObject().put("n", n));
        Reply published = post(door, "/api/publish", event.encode());
        assertEquals(202, published.status(), () -> published.body().toString());
      }
      for (int n = first; n < first + EVENTS_PER_NODE; n++) {
        JsonObject rec = await(client.next(rec(address)));
        assertEquals(n, rec.getJsonObject("body").getInteger("n"), rec::encode);
      }
    }
    // A last event through B: whatever was duplicated before it would have arrived by now.
    Reply last = post(b, "/api/publish", new JsonObject().put("address", address).put("data", "last").encode());
    assertEquals(202, last.status());
    assertEquals("last", await(client.next(rec(address))).getString("body"));
    long received = client.history().stream().filter(rec(address)).count();
    assertEquals(2 * EVENTS_PER_NODE + 1, received, () -> "history: " + client.history());
  }

  /** A request to a service on B, answered over the session that A holds. */
  private static void requestReplyRoundTrips(FrameClient client) {
    int n = NEXT.incrementAndGet();
    String service = "service.echo" + n;
    await(memberB.eventBus().consumer(service, m -> m.reply(new JsonObject().put("echo", m.body()))).completion());
    await(client.send(request(service, new JsonObject().put("q", n), "reply." + n)));
    JsonObject reply = await(client.next(rec("reply." + n)));
    assertEquals(new JsonObject().put("echo", new JsonObject().put("q", n)), reply.getJsonObject("body"), reply::encode);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private <T extends FrameClient> T track(T client) {
    clients.add(client);
    return client;
  }

  private Reply post(BridgeServer node, String uri, String body) {
    return Http.post(http, node.port(), uri, body);
  }

  private static String newSessionPath() {
    return "/eventbus/000/affinity" + UUID.randomUUID().toString().replace("-", "");
  }

  private static String sessionId(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static AsyncMap<String, String> owners() {
    return await(memberA.sharedData().<String, String>getAsyncMap(SockJsTransport.OWNERS_MAP));
  }

  private static String ownerOf(String session) {
    return await(owners().get(session));
  }

  private static void record(String session, String owner) {
    await(owners().put(session, owner));
  }

  /** The owner entry once it satisfies the condition, or as it is after {@link Http#WAIT_SECONDS}. */
  private static String ownerWhen(String session, java.util.function.Predicate<String> condition) {
    return ownerWhen(session, condition, Http.WAIT_SECONDS);
  }

  private static String ownerWhen(String session, java.util.function.Predicate<String> condition, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String owner = ownerOf(session);
    while (!condition.test(owner) && System.nanoTime() < deadline) {
      await(memberA.timer(200));
      owner = ownerOf(session);
    }
    return owner;
  }

  /** A loopback port nothing listens on: a connection to it is refused, as to a node that died. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

}
