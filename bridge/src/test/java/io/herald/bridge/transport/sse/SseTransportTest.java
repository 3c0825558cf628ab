package io.herald.bridge.transport.sse;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Http.statsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Http.Reply;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SseTransportTest {

  private static final String A = "public.a";

  private Vertx vertx;
  private HttpClient client;
  private BridgeServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(64));
  }

  private void start(BridgeOptions options) {
    server = await(BridgeServer.start(vertx, options, AllowListRules.defaults()));
  }

  private SseClient open(HttpClient http, String query) {
    SseClient sse = await(SseClient.connect(http, server.port(), "/sse?" + query));
    await(sse.connected());
    return sse;
  }

  private SseClient open(String query) {
    return open(client, query);
  }

  private static JsonObject envelope(Event event) {
    return new JsonObject(event.data());
  }

  @Test
  void deliversBusPublishesOfEveryBodyKindAsMessages() {
    start(new BridgeOptions());
    SseClient sse = open("address=" + A);
    List<Object> bodies = List.of(new JsonObject().put("n", 1), "text\nwith a line break", 42, 1.5, true,
        new JsonArray().add("x"));
    bodies.forEach(body -> vertx.eventBus().publish(A, body));
    vertx.eventBus().publish(A, null);
    await(sse.nth("message", bodies.size() + 1));

    List<Event> events = sse.events("message");
    assertEquals(bodies.size() + 1, events.size());
    for (int i = 0; i < events.size(); i++) {
      JsonObject envelope = envelope(events.get(i));
      assertEquals(i < bodies.size() ? bodies.get(i) : null, envelope.getValue("data"), "event " + i);
      assertEquals(A, envelope.getString("address"));
      assertEquals("message", envelope.getString("type"));
      assertNotNull(events.get(i).id());
      assertEquals(events.get(i).id(), envelope.getString("id"));
      assertTrue(envelope.getLong("ts") > 0);
    }
    assertEquals(events.size(), events.stream().map(Event::id).distinct().count(), "ids are unique");
  }

  @Test
  void deliversAnApiPublishWithTheIdTheApiReturnedAndItsType() {
    start(new BridgeOptions());
    SseClient sse = open("address=" + A);
    JsonObject data = new JsonObject().put("price", 12.5).put("symbol", "HRLD");
    Reply reply = Http.post(client, server.port(), "/api/publish",
        new JsonObject().put("address", A).put("type", "price.v1").put("data", data).encode());
    assertEquals(202, reply.status());
    String id = reply.json().getJsonArray("ids").getString(0);

    Event event = await(sse.nth("price.v1", 1));
    assertEquals(id, event.id());
    assertEquals(id, sse.lastEventId());
    JsonObject envelope = envelope(event);
    assertEquals(id, envelope.getString("id"));
    assertEquals("price.v1", envelope.getString("type"));
    assertEquals(data, envelope.getJsonObject("data"));
  }

  @Test
  void carriesSeveralAddressesOnOneStream() {
    start(new BridgeOptions());
    SseClient sse = open("address=public.a&address=user.1&address=public.a");
    Event connected = await(sse.connected());
    assertEquals(".0", connected.id(), "the connected event carries the starting cursor: user.1 keeps history and has none yet");
    JsonObject info = new JsonObject(connected.data());
    assertEquals("sse", info.getString("transport"));
    assertFalse(info.getString("connection").isEmpty());
    assertEquals(new JsonArray().add("public.a").add("user.1"), info.getJsonArray("addresses"));

    BridgeStats stats = await(server.stats());
    assertEquals(1, stats.connections());
    assertEquals(Map.of("sse", 1), stats.connectionsByTransport());
    assertEquals(2, stats.consumers());
    assertEquals(2, stats.subscriptions());

    vertx.eventBus().publish("user.1", "for user");
    vertx.eventBus().publish("public.other", "not subscribed");
    vertx.eventBus().publish("public.a", "for public");
    await(sse.nth("message", 2));
    List<String> seen = sse.events("message").stream().map(e -> envelope(e).getString("address")).toList();
    assertEquals(List.of("user.1", "public.a"), seen);
  }

  @Test
  void startsWithTheRetryHintThenTheConnectedEventOnTheWire() {
    start(new BridgeOptions().setSseRetry(Duration.ofMillis(1500)));
    Promise<String> head = Promise.promise();
    StringBuilder text = new StringBuilder();
    Promise<String> contentType = Promise.promise();
    // On an event loop, so the handler is set before the first chunk can arrive: from the test
    // thread, onSuccess on an already completed future would set it too late for the head.
    vertx.runOnContext(v -> client.request(HttpMethod.GET, server.port(), "127.0.0.1", "/sse?address=" + A)
        .compose(request -> request.send())
        .onSuccess(response -> {
          contentType.complete(response.statusCode() + " " + response.getHeader("content-type")
              + " " + response.getHeader("cache-control"));
          response.handler(chunk -> {
            text.append(chunk);
            int connected = text.indexOf("event: connected\n");
            if (connected >= 0 && text.indexOf("\n\n", connected) >= 0) {
              head.tryComplete(text.toString());
            }
          });
        })
        .onFailure(head::tryFail));
    String wire = await(head.future());
    assertEquals("200 text/event-stream; charset=utf-8 no-cache", await(contentType.future()));
    assertTrue(wire.startsWith("retry: 1500\n\nevent: connected\ndata: {"), wire);
    assertTrue(wire.endsWith("}\n\n"), wire);
  }

  @Test
  void sendsHeartbeatCommentsThatAreNotEvents() {
    start(new BridgeOptions().setHeartbeatInterval(Duration.ofMillis(100)));
    SseClient sse = open("address=" + A);
    await(sse.comments(3));
    assertTrue(sse.comments().stream().allMatch(String::isEmpty), sse.comments().toString());
    assertEquals(List.of("connected"), sse.events().stream().map(Event::type).toList());
    assertEquals(BridgeOptions.DEFAULT_SSE_RETRY.toMillis(), sse.retry());
  }

  @Test
  void aStreamCarryingEventsNeedsNoHeartbeats() {
    start(new BridgeOptions().setHeartbeatInterval(Duration.ofMillis(100)));
    SseClient busy = open("address=" + A);
    SseClient quiet = open("address=public.quiet");
    long timer = vertx.setPeriodic(20, t -> vertx.eventBus().publish(A, "tick"));
    try {
      await(quiet.comments(5));
      assertTrue(busy.events("message").size() >= 10, () -> "busy got " + busy.events().size() + " events");
      assertEquals(List.of(), busy.comments(), "no heartbeat while events flow");
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * A client gone while its token was being checked: the stream opens on a closed connection, whose
   * close Vert.x has already reported, so the connection must find that out itself and let go of its
   * subscription rather than stay in the registry for good.
   */
  @Test
  void aClientGoneDuringAuthenticationLeavesNothingBehind() {
    Promise<Void> closed = Promise.promise();
    server = await(BridgeServer.start(vertx, new BridgeOptions(), AllowListRules.defaults(),
        token -> closed.future().compose(v -> vertx.timer(100)).map(t ->
            new Identity("slow", java.util.Set.of(), java.util.Set.of(), Long.MAX_VALUE, new JsonObject()))));
    Promise<Void> sent = Promise.promise();
    vertx.runOnContext(v -> vertx.createNetClient().connect(server.port(), "127.0.0.1").onSuccess(socket -> {
      socket.closeHandler(c -> closed.tryComplete());
      socket.write("GET /sse?address=" + A + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n")
          .onComplete(w -> vertx.setTimer(100, t -> socket.close().onComplete(c -> sent.tryComplete())));
    }));
    await(sent.future());
    await(closed.future());
    await(vertx.timer(400));
    BridgeStats stats = await(server.stats());
    assertEquals(0, stats.connections(), stats::toString);
    assertEquals(0, stats.subscriptions(), stats::toString);
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "/sse                                       | 400 | bad-address",
      "/sse?address=                              | 400 | bad-address",
      "/sse?address=public.a%20b                  | 400 | bad-address",
      "/sse?address=public..a                     | 400 | bad-address",
      "/sse?address=public.a&address=bad%2Fx      | 400 | bad-address",
      "/sse?address=herald.control                | 400 | bad-address",
      "/sse?address=private.x                     | 401 | unauthorized",
      "/sse?address=public.a&address=private.x    | 401 | unauthorized",
      "/sse?address=public.1&address=public.2&address=public.3&address=public.4 | 400 | too-many-addresses",
  })
  void refusesBadRequestsBeforeTheStreamStarts(String uri, int status, String code) {
    start(new BridgeOptions().setMaxSubscriptions(3));
    assertRefused(uri, status, code);
  }

  @Test
  void refusesAnAddressLongerThan200Characters() {
    start(new BridgeOptions());
    String address = "public." + "a".repeat(194);
    assertEquals(201, address.length());
    assertRefused("/sse?address=" + address, 400, "bad-address");
    String longest = address.substring(0, 200);
    assertEquals(200, longest.length());
    open("address=" + longest);
  }

  @Test
  void countsRepeatedAddressesOnce() {
    start(new BridgeOptions().setMaxSubscriptions(2));
    SseClient sse = open("address=public.a&address=public.b&address=public.a");
    JsonArray addresses = new JsonObject(await(sse.connected()).data()).getJsonArray("addresses");
    assertEquals(new JsonArray().add("public.a").add("public.b"), addresses);
  }

  private void assertRefused(String uri, int status, String code) {
    Reply reply = Http.get(client, server.port(), uri);
    assertEquals(status, reply.status(), reply.body().toString());
    assertEquals("application/json", reply.contentType());
    assertEquals(code, reply.errorCode());
    BridgeStats stats = await(server.stats());
    assertEquals(0, stats.connections());
    assertEquals(0, stats.consumers());
  }

  @Test
  void streamsOverH2cWithPriorKnowledgeAndReleasesAResetStream() {
    start(new BridgeOptions());
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    SseClient first = open(h2, "address=" + A);
    SseClient second = open(h2, "address=" + A + "&address=user.2");
    assertEquals(HttpVersion.HTTP_2, first.version());
    assertEquals(HttpVersion.HTTP_2, second.version());
    assertEquals("text/event-stream; charset=utf-8", first.header("content-type"));

    vertx.eventBus().publish(A, "over h2");
    assertEquals("over h2", envelope(await(first.nth("message", 1))).getString("data"));
    assertEquals("over h2", envelope(await(second.nth("message", 1))).getString("data"));

    // Resetting one stream releases that stream only; the connection and its other stream live on.
    await(first.reset());
    BridgeStats stats = statsUntil(server, s -> s.connections() == 1);
    assertEquals(1, stats.connections());
    assertEquals(2, stats.subscriptions());
    vertx.eventBus().publish(A, "still");
    assertEquals("still", envelope(await(second.nth("message", 2))).getString("data"));

    await(second.close());
    stats = statsUntil(server, s -> s.connections() == 0 && s.consumers() == 0);
    assertEquals(0, stats.connections());
    assertEquals(0, stats.consumers());
    assertEquals(0, stats.subscriptions());
  }

  @Test
  void streamsOverH2cAfterAnUpgrade() {
    start(new BridgeOptions());
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(true));
    SseClient sse = open(h2, "address=" + A);
    assertEquals(HttpVersion.HTTP_2, sse.version());
    vertx.eventBus().publish(A, new JsonObject().put("upgraded", true));
    assertEquals(new JsonObject().put("upgraded", true), envelope(await(sse.nth("message", 1))).getJsonObject("data"));
    await(sse.close());
    assertEquals(0, statsUntil(server, s -> s.connections() == 0).connections());
  }

  @Test
  void releasesEverythingAfterManyConnectDisconnectCycles() {
    start(new BridgeOptions());
    List<String> addresses = List.of("public.r0", "public.r1", "user.r2", "group.r3");
    // While subscribed, a request finds the hub's consumer (which never replies): it times out.
    SseClient probe = open("address=public.r0");
    assertFailure(ReplyFailure.TIMEOUT, "public.r0");
    await(probe.close());

    for (int i = 0; i < 200; i++) {
      String query = "address=" + addresses.get(i % 4) + "&address=" + addresses.get((i + 1) % 4);
      SseClient sse = open(query);
      await(sse.close());
    }
    BridgeStats stats = statsUntil(server, s -> s.connections() == 0 && s.consumers() == 0 && s.subscriptions() == 0);
    assertEquals(0, stats.connections());
    assertEquals(0, stats.consumers());
    assertEquals(0, stats.subscriptions());
    for (String address : addresses) {
      assertFailure(ReplyFailure.NO_HANDLERS, address);
    }
  }

  @Test
  void aClientClosingItsConnectionReleasesItsSubscriptions() {
    start(new BridgeOptions());
    SseClient leaving = open("address=public.a&address=public.b");
    SseClient staying = open("address=public.a");
    assertEquals(3, await(server.stats()).subscriptions());

    await(leaving.close());
    BridgeStats stats = statsUntil(server, s -> s.connections() == 1);
    assertEquals(1, stats.connections());
    assertEquals(1, stats.consumers());
    assertEquals(1, stats.subscriptions());
    assertFailure(ReplyFailure.NO_HANDLERS, "public.b");
    vertx.eventBus().publish("public.a", "to the one left");
    assertEquals("to the one left", envelope(await(staying.nth("message", 1))).getString("data"));

    await(staying.close());
    stats = statsUntil(server, s -> s.connections() == 0);
    assertEquals(0, stats.consumers());
    assertFailure(ReplyFailure.NO_HANDLERS, "public.a");
  }

  @Test
  void tellsClientsWhenTheBridgeShutsDown() {
    start(new BridgeOptions());
    SseClient sse = open("address=" + A);
    await(vertx.undeploy(vertx.deploymentIDs().iterator().next()));
    Event shutdown = await(sse.nth("shutdown", 1));
    assertEquals(new JsonObject().put("code", "shutdown").put("reconnect", true), new JsonObject(shutdown.data()));
    await(sse.ended());
    // The stream opened with the usual 2 s hint; the farewell asks for a quicker, jittered return.
    long retry = sse.retry();
    assertTrue(retry >= 500 && retry < 1500, "retry " + retry);
  }

  @Test
  void aStreamThatArrivesAfterTheDrainBeganGetsTheShutdownFarewellAndHoldsNothing() {
    start(new BridgeOptions());
    // The request has passed whatever gate the application has (a node's DrainGate) before the
    // drain begins, and reaches the bridge once it has begun: a token checked meanwhile, say.
    server.router().route(SseTransport.PATH).order(-1)
        .handler(rc -> server.drain(Duration.ofSeconds(1)).onComplete(drained -> rc.next()));
    SseClient sse = await(SseClient.connect(client, server.port(), "/sse?address=" + A));
    BridgeStats stats = statsUntil(server, s -> s.connections() == 0);
    assertEquals(0, stats.connections(), stats::toString);
    assertEquals(0, stats.consumers(), stats::toString);
    assertEquals(0, stats.subscriptions(), stats::toString);
    await(sse.ended());
    assertEquals(List.of("shutdown"), sse.events().stream().map(Event::type).toList());
    long retry = sse.retry();
    assertTrue(retry >= 500 && retry < 1500, "retry " + retry);
  }

  private void assertFailure(ReplyFailure expected, String address) {
    Future<?> reply = vertx.eventBus().request(address, "probe", new DeliveryOptions().setSendTimeout(300));
    Throwable failure = assertThrowsFuture(reply);
    ReplyException exception = assertInstanceOf(ReplyException.class, failure);
    assertEquals(expected, exception.failureType(), address);
  }

  private static Throwable assertThrowsFuture(Future<?> future) {
    try {
      await(future);
    } catch (AssertionError e) {
      throw e;
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }
}
