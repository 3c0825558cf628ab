package io.herald.bridge.transport;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.history.Position;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Resume on one node, over every transport: a client that comes back with its cursor gets what it
 * missed, in order, then live events, with nothing twice; a cursor history cannot continue gets a
 * reset first. Events carry their number in the data, and the tests compare the numbers.
 */
@ExtendWith(VertxExtension.class)
class ResumeTest {

  private static final String INBOX = "user.alice";
  private static final String TEAM = "group.red";
  /** Small on purpose: five events kept, so the reset case needs only a few publishes. */
  private static final String POLICY = "user.**=5/1h,group.**=100/1h";

  private Vertx vertx;
  private HttpClient client;
  private BridgeServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    HeraldNode.install(vertx, HistoryPolicy.parse(POLICY));
    this.client = vertx.createHttpClient();
    this.server = await(BridgeServer.start(vertx, new BridgeOptions(), AllowListRules.defaults()));
  }

  private void publish(String address, int from, int to) {
    for (int n = from; n <= to; n++) {
      Http.Reply reply = Http.post(client, server.port(), "/api/publish",
          new JsonObject().put("address", address).put("data", new JsonObject().put("n", n)).encode());
      assertEquals(202, reply.status(), reply.body().toString());
    }
  }

  private static List<Integer> numbers(List<Event> events) {
    return events.stream().map(e -> new JsonObject(e.data()).getJsonObject("data").getInteger("n")).toList();
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().toList();
  }

  private SseClient sse(String uri, String lastEventId) {
    SseClient sse = await(lastEventId == null
        ? SseClient.connect(client, server.port(), uri)
        : SseClient.resume(client, server.port(), uri, lastEventId));
    await(sse.connected());
    return sse;
  }

  @Test
  void sseResumesFromLastEventIdWithoutGapOrDuplicate() {
    String uri = "/sse?address=" + INBOX;
    SseClient first = sse(uri, null);
    publish(INBOX, 1, 3);
    await(first.nth("message", 3));
    String cursor = first.lastEventId();
    await(first.close());

    publish(INBOX, 4, 5);
    SseClient second = sse(uri, cursor);
    await(second.nth("message", 2));
    publish(INBOX, 6, 7);
    await(second.nth("message", 4));
    assertEquals(range(4, 7), numbers(second.events("message")));
    assertEquals(range(1, 3), numbers(first.events("message")));
  }

  /** A replay longer than the connection's queue goes out page by page as the client takes it, not as a slow consumer. */
  @Test
  void aReplayPacesItselfToASmallQueue() {
    BridgeServer smallQueue = await(BridgeServer.start(vertx, new BridgeOptions().setQueueSize(8), AllowListRules.defaults()));
    String uri = "/sse?address=group.replay";
    SseClient first = await(SseClient.connect(client, smallQueue.port(), uri));
    String start = await(first.connected()).id();
    await(first.close());
    // 100 events of 100 KB: more than the socket's buffers take at once, so the rest waits in the queue.
    String pad = "x".repeat(100_000);
    for (int n = 1; n <= 100; n++) {
      Http.Reply reply = Http.post(client, server.port(), "/api/publish",
          new JsonObject().put("address", "group.replay").put("data", new JsonObject().put("n", n).put("pad", pad)).encode());
      assertEquals(202, reply.status(), reply.body().toString());
    }
    SseClient resumed = await(SseClient.resume(client, smallQueue.port(), uri, start));
    await(resumed.nth("message", 100));
    assertEquals(range(1, 100), numbers(resumed.events("message")));
  }

  @Test
  void sseResumesAStreamThatSawNoEventFromItsConnectedId() {
    String uri = "/sse?address=" + INBOX;
    SseClient first = sse(uri, null);
    String cursor = await(first.connected()).id();
    assertNotNull(cursor, "the connected event carries the starting cursor");
    await(first.close());
    publish(INBOX, 1, 2);
    SseClient second = sse(uri, cursor);
    await(second.nth("message", 2));
    assertEquals(range(1, 2), numbers(second.events("message")));
  }

  @Test
  void oneCursorCoversEveryAddressOfAStream() {
    String uri = "/sse?address=" + INBOX + "&address=" + TEAM + "&address=public.news";
    SseClient first = sse(uri, null);
    publish(INBOX, 1, 2);
    publish(TEAM, 101, 101);
    await(first.nth("message", 3));
    String cursor = first.lastEventId();
    await(first.close());

    publish(TEAM, 102, 103);
    publish(INBOX, 3, 3);
    SseClient second = sse(uri, cursor);
    await(second.nth("message", 3));
    List<Event> events = second.events("message");
    assertEquals(List.of(102, 103), numbers(events.stream().filter(e -> e.data().contains(TEAM)).toList()));
    assertEquals(List.of(3), numbers(events.stream().filter(e -> e.data().contains(INBOX)).toList()));
    assertEquals(3, events.size());
  }

  @Test
  void aCursorOlderThanTheHistoryGetsAResetBeforeLiveEvents() {
    String uri = "/sse?address=" + INBOX;
    SseClient first = sse(uri, null);
    publish(INBOX, 1, 1);
    await(first.nth("message", 1));
    String cursor = first.lastEventId();
    await(first.close());

    publish(INBOX, 2, 12);
    SseClient second = sse(uri, cursor);
    Event reset = await(second.nth("reset", 1));
    assertEquals(INBOX, new JsonObject(reset.data()).getString("address"));
    publish(INBOX, 13, 13);
    await(second.nth("message", 1));
    assertEquals(List.of(13), numbers(second.events("message")));
    assertTrue(second.events().indexOf(reset) < second.events().indexOf(second.events("message").get(0)));
  }

  /**
   * A stream reopened with one more address (herald.js does so on every subscribe over SSE) sends
   * the cursor of the old stream, which cannot name the new address. The client never had a
   * position there, so nothing was lost: the address starts from now, with no reset, while the
   * addresses the cursor names resume from it. It was reset, and the page told its history was lost.
   */
  @Test
  void anAddressTheCursorDoesNotNameStartsFromNowWithoutAReset() {
    SseClient first = sse("/sse?address=" + INBOX + "&address=" + TEAM, null);
    publish(INBOX, 1, 1);
    await(first.nth("message", 1));
    String cursor = first.lastEventId();
    await(first.close());

    publish(INBOX, 2, 2);
    publish("group.blue", 501, 501);
    SseClient second = sse("/sse?address=" + INBOX + "&address=" + TEAM + "&address=group.blue", cursor);
    publish("group.blue", 502, 502);
    await(second.nth("message", 2));
    assertEquals(List.of(), second.events("reset"), "no reset for an address the client never had a position for");
    assertEquals(List.of(2, 502), numbers(second.events("message")));
  }

  @Test
  void anUnreadableCursorIsAReset() {
    SseClient sse = sse("/sse?address=" + INBOX + "&lastEventId=not-a-cursor", null);
    await(sse.nth("reset", 1));
  }

  /**
   * A cursor without an epoch is the start of an address that had no history yet, and only ever
   * {@code .0}. One with a number (a client's own invention, or a mangled id) claimed the events up
   * to that number without a reset, and the client silently missed them.
   */
  @Test
  void aCursorWithoutAnEpochPastTheStartIsAReset() {
    publish(INBOX, 1, 3);
    SseClient sse = sse("/sse?address=" + INBOX + "&lastEventId=.2", null);
    publish(INBOX, 4, 4);
    await(sse.nth("message", 1));
    assertEquals(List.of(4), numbers(sse.events("message")), "nothing is replayed after a cursor history cannot continue");
    assertEquals(1, sse.events("reset").size());
  }

  @Test
  void webSocketAndSockJsResumeFromSince() {
    for (Function<Integer, io.vertx.core.Future<FrameClient>> open : List.<Function<Integer, io.vertx.core.Future<FrameClient>>>of(
        port -> FrameClient.webSocket(vertx, port), port -> FrameClient.sockJsXhrPolling(vertx, port))) {
      String address = "user.frames" + System.nanoTime();
      FrameClient live = await(open.apply(server.port()));
      await(live.send(new JsonObject().put("type", "register").put("address", address).put("id", "r1")));
      JsonObject ack = await(live.next(f -> "ack".equals(f.getString("type"))));
      String since = ack.getString("position");
      assertNotNull(since, "a register on an address with history acknowledges its starting cursor");
      publish(address, 1, 2);
      JsonObject second = await(live.next(f -> "rec".equals(f.getString("type")) && f.getJsonObject("body").getInteger("n") == 2));
      await(live.close());

      publish(address, 3, 4);
      FrameClient back = await(open.apply(server.port()));
      await(back.send(new JsonObject().put("type", "register").put("address", address)
          .put("headers", new JsonObject().put("since", second.getString("id")))));
      publish(address, 5, 5);
      await(back.next(f -> "rec".equals(f.getString("type")) && f.getJsonObject("body").getInteger("n") == 5));
      List<Integer> got = back.history().stream().filter(f -> "rec".equals(f.getString("type")))
          .map(f -> f.getJsonObject("body").getInteger("n")).toList();
      assertEquals(range(3, 5), got);
      await(back.close());
    }
  }

  @Test
  void historyReadsOverHttp() {
    publish(INBOX, 1, 4);
    JsonObject all = Http.get(client, server.port(), "/api/history?address=" + INBOX).json();
    assertEquals(range(1, 4), all.getJsonArray("events").stream().map(e -> ((JsonObject) e).getJsonObject("data").getInteger("n")).toList());
    String after2 = all.getJsonArray("events").getJsonObject(1).getString("id");
    JsonObject rest = Http.get(client, server.port(), "/api/history?address=" + INBOX + "&since=" + after2 + "&limit=1").json();
    assertEquals(1, rest.getJsonArray("events").size());
    assertEquals(3, rest.getJsonArray("events").getJsonObject(0).getJsonObject("data").getInteger("n"));
    assertEquals(false, rest.getBoolean("reset"));

    assertEquals("not-found", Http.get(client, server.port(), "/api/history?address=public.news").errorCode());
    assertEquals("bad-request", Http.get(client, server.port(), "/api/history?address=" + INBOX + "&limit=0").errorCode());
    assertEquals("bad-request", Http.get(client, server.port(), "/api/history?address=" + INBOX + "&since=x").errorCode());
    assertEquals("bad-address", Http.get(client, server.port(), "/api/history").errorCode());
  }

  @Test
  void aPlainBusPublishIsRecordedOnceAndDeliveredWithItsPosition() {
    SseClient sse = sse("/sse?address=" + INBOX, null);
    vertx.eventBus().publish(INBOX, new JsonObject().put("n", 1));
    Event event = await(sse.nth("message", 1));
    assertEquals(event.id(), new JsonObject(event.data()).getString("id"));
    JsonObject history = Http.get(client, server.port(), "/api/history?address=" + INBOX).json();
    assertEquals(1, history.getJsonArray("events").size());
    assertEquals(event.id(), history.getJsonArray("events").getJsonObject(0).getString("id"));
  }

  /**
   * An event of an epoch that is not history's: one appended before the address's history was lost
   * and published after the new epoch began (a late bus message), or a service re-publishing an
   * event with its position. The gate took any new epoch for the address's new history: it went
   * back to the old one, every subscriber got a reset and the stale event, then another reset and
   * the current epoch's events again from its first.
   */
  @Test
  void anEventOfAnEpochHistoryIsNotInIsNotDelivered() {
    SseClient sse = sse("/sse?address=" + INBOX, null);
    publish(INBOX, 1, 1);
    await(sse.nth("message", 1));
    vertx.eventBus().publish(INBOX, new JsonObject().put("n", -1),
        BusEnvelopes.positioned(new Position("Lost0epoch", 1), "message", System.currentTimeMillis()));
    publish(INBOX, 2, 3);
    await(sse.nth("message", 3));
    assertEquals(range(1, 3), numbers(sse.events("message")));
    assertEquals(List.of(), sse.events("reset"));
  }

  /**
   * {@code --history **=...} keeps history for every address clients can name. Herald's own bus
   * addresses ({@code herald.}) are not among them, yet the interceptor held back every publish to
   * them for an append: events to everyone (which have no history, PROTOCOL.md) and the connection
   * lifecycle events services consume were stored, waited for the store, and were dropped whenever
   * history could not be written.
   */
  @Test
  void historyForEveryAddressLeavesHeraldsOwnAddressesOut() throws Exception {
    Vertx everywhere = Vertx.vertx();
    try {
      HeraldNode node = HeraldNode.install(everywhere, HistoryPolicy.parse("**=100/1h"));
      BridgeServer other = await(BridgeServer.start(everywhere, new BridgeOptions(), AllowListRules.defaults()));
      SseClient sse = await(SseClient.connect(client, other.port(), "/sse?address=public.news"));
      await(sse.connected());
      await(node.publish("everyone", "message", new JsonObject().put("n", 0), System.currentTimeMillis()));
      await(sse.nth("message", 1));
      await(node.publish("public.news", "message", new JsonObject().put("n", 1), System.currentTimeMillis()));
      Event news = await(sse.nth("message", 2));
      assertNotNull(Position.parse(news.id()), "public.news keeps history: " + news.id());
      assertEquals(Position.NONE, await(node.history().head("herald.everyone")));
      assertEquals(Position.NONE, await(node.history().head("herald.connection.opened")));
    } finally {
      everywhere.close().await();
    }
  }

  @Test
  void anEventWhosePositionHistoryNeverGaveCannotSilenceTheAddress() throws InterruptedException {
    SseClient sse = sse("/sse?address=" + INBOX, null);
    publish(INBOX, 1, 1);
    Position first = Position.parse(await(sse.nth("message", 1)).id());
    // A service setting the position header itself, far ahead of history.
    vertx.eventBus().publish(INBOX, new JsonObject().put("n", -1),
        BusEnvelopes.positioned(new Position(first.epoch(), first.seq() + 1000), "message", System.currentTimeMillis()));
    publish(INBOX, 2, 2);
    Thread.sleep(3 * 200 + 300);
    publish(INBOX, 3, 3);
    await(sse.nth("message", 3));
    assertEquals(range(1, 3), numbers(sse.events("message")));
  }

  /**
   * A publisher died after appending 2..8 without publishing them, and by the time 9 came
   * retention (five events) had dropped 2..4. The gate filled what history still had and passed
   * over the rest: the live client got 1, then 5..9, with no reset to tell it that it missed some.
   */
  @Test
  void aLiveClientGetsAResetForEventsNeitherTheBusNorHistoryHasAnyMore() {
    HeraldNode node = HeraldNode.install(vertx, HistoryPolicy.parse(POLICY));
    SseClient sse = sse("/sse?address=" + INBOX, null);
    publish(INBOX, 1, 1);
    await(sse.nth("message", 1));
    for (int n = 2; n <= 8; n++) {
      await(node.history().append(INBOX, "message", System.currentTimeMillis(), new JsonObject().put("n", n).encode()));
    }
    publish(INBOX, 9, 9);
    Event last = await(sse.nth("message", 6));
    assertEquals(List.of(1, 5, 6, 7, 8, 9), numbers(sse.events("message")));
    List<Event> resets = sse.events("reset");
    assertEquals(1, resets.size(), "one reset for the events missed");
    Position resetAt = Position.parse(new JsonObject(resets.get(0).data()).getString("position"));
    assertEquals(Position.parse(last.id()).epoch(), resetAt.epoch());
    assertEquals(4, resetAt.seq(), "the stream continues after the last event it could not have");
    assertEquals(sse.events().indexOf(sse.events("message").get(0)) + 1, sse.events().indexOf(resets.get(0)),
        "the reset comes between 1 and 5");
  }
}
