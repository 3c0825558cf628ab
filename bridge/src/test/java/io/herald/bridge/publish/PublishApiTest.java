package io.herald.bridge.publish;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.node.NodeAddresses;
import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Http.Reply;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublishApiTest {

  private static final String A = "public.news";
  private static final String PATH = "/api/publish";

  private Vertx vertx;
  private HttpClient client;
  private BridgeServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.server = await(BridgeServer.start(vertx,
        new BridgeOptions().setMaxEventsPerPublish(3).setMaxBodySize(4096), AllowListRules.defaults()));
  }

  private Reply publish(String body) {
    return Http.post(client, server.port(), PATH, body);
  }

  private SseClient subscribe(String address) {
    SseClient sse = await(SseClient.connect(client, server.port(), "/sse?address=" + address));
    await(sse.connected());
    return sse;
  }

  private static JsonObject event(String address, String type, Object data) {
    JsonObject event = new JsonObject().put("address", address).put("data", data);
    return type == null ? event : event.put("type", type);
  }

  private static List<String> ids(Reply reply) {
    assertEquals(202, reply.status(), reply.body().toString());
    assertEquals("application/json", reply.contentType());
    return reply.json().getJsonArray("ids").stream().map(String.class::cast).toList();
  }

  private static void assertError(Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body().toString());
    assertEquals("application/json", reply.contentType());
    assertEquals(code, reply.errorCode(), reply.body().toString());
    assertTrue(reply.json().getJsonObject("error").getString("message").length() > 0);
  }

  /**
   * Publishes a sentinel and checks it is the next message the subscriber sees: had a refused request
   * published anything, it would have arrived first (one sender, one consumer: the bus keeps order).
   */
  private void assertNothingPublishedBefore(SseClient sse, int seenBefore) {
    String sentinel = ids(publish(event(A, "sentinel", "s").encode())).get(0);
    Event next = await(sse.nth("sentinel", 1));
    assertEquals(sentinel, next.id());
    assertEquals(seenBefore, sse.events().size() - 2, "events other than connected and the sentinel");
  }

  @Test
  void publishesOneEventAndAnswersWithItsId() {
    SseClient sse = subscribe(A);
    JsonObject data = new JsonObject().put("headline", "Herald ships").put("tags", new JsonArray().add("a"));
    List<String> ids = ids(publish(event(A, "breaking", data).encode()));
    assertEquals(1, ids.size());

    Event seen = await(sse.nth("breaking", 1));
    JsonObject envelope = new JsonObject(seen.data());
    assertEquals(ids.get(0), seen.id());
    assertEquals(ids.get(0), envelope.getString("id"));
    assertEquals("breaking", envelope.getString("type"));
    assertEquals(A, envelope.getString("address"));
    assertEquals(data, envelope.getJsonObject("data"));
  }

  @Test
  void defaultsTheTypeAndTheData() {
    SseClient sse = subscribe(A);
    String id = ids(publish("{\"address\":\"" + A + "\"}")).get(0);
    Event seen = await(sse.nth("message", 1));
    assertEquals(id, seen.id());
    JsonObject envelope = new JsonObject(seen.data());
    assertTrue(envelope.containsKey("data"));
    assertEquals(null, envelope.getValue("data"));
  }

  @Test
  void subscribersSeeExactlyTheDataThatWasPublished() {
    SseClient sse = subscribe(A);
    JsonArray batch = new JsonArray()
        .add(event(A, null, "text \"quoted\"\nsecond line"))
        .add(event(A, null, new JsonArray().add(1).add(2.5).add(false).addNull()))
        .add(event(A, null, Long.MAX_VALUE));
    List<String> ids = ids(publish(batch.encode()));
    await(sse.nth("message", 3));
    List<Event> seen = sse.events("message");
    for (int i = 0; i < 3; i++) {
      assertEquals(ids.get(i), seen.get(i).id());
      assertEquals(batch.getJsonObject(i).getValue("data"), new JsonObject(seen.get(i).data()).getValue("data"));
    }
  }

  @Test
  void busConsumersSeeTheDataAsItIsWithTheEnvelopeInHeaders() {
    Promise<Message<Object>> received = Promise.promise();
    await(vertx.eventBus().consumer(A, received::tryComplete).completion());
    JsonObject data = new JsonObject().put("k", "v");
    String id = ids(publish(event(A, "svc.note", data).encode())).get(0);
    Message<Object> message = await(received.future());
    assertEquals(data, message.body());
    assertEquals(id, message.headers().get(BusEnvelopes.HEADER_ID));
    assertEquals("svc.note", message.headers().get(BusEnvelopes.HEADER_TYPE));
    assertTrue(Long.parseLong(message.headers().get(BusEnvelopes.HEADER_TS)) > 0);
  }

  @Test
  void publishesABatchInOrderWithIdsInOrder() {
    SseClient news = subscribe(A);
    SseClient user = subscribe("user.7");
    JsonArray batch = new JsonArray()
        .add(event(A, "first", 1))
        .add(event("user.7", "second", 2))
        .add(event(A, "third", 3));
    List<String> ids = ids(publish(batch.encode()));
    assertEquals(3, ids.size());
    assertEquals(3, ids.stream().distinct().count());

    await(news.nth("third", 1));
    assertEquals(List.of("first", "third"), news.events().stream().skip(1).map(Event::type).toList());
    assertEquals(List.of(ids.get(0), ids.get(2)), news.events().stream().skip(1).map(Event::id).toList());
    assertEquals(ids.get(1), await(user.nth("second", 1)).id());
  }

  @Test
  void aBatchWithOneBadItemPublishesNothing() {
    SseClient sse = subscribe(A);
    JsonArray badType = new JsonArray().add(event(A, "ok", 1)).add(event(A, "ok", 2)).add(event(A, "not ok", 3));
    assertError(publish(badType.encode()), 400, "bad-type");
    JsonArray forbidden = new JsonArray().add(event(A, "ok", 1)).add(event("private.x", "ok", 2));
    assertError(publish(forbidden.encode()), 401, "unauthorized");
    JsonArray notAnObject = new JsonArray().add(event(A, "ok", 1)).add("oops");
    assertError(publish(notAnObject.encode()), 400, "bad-json");
    assertNothingPublishedBefore(sse, 0);
  }

  @Test
  void aBatchWithAConnectionIdNoNodeIssuesPublishesNothing() {
    RuleSet anyoneMayPublish = RuleSet.fromJson(new JsonObject(
        "{\"rules\":[{\"address\":\"**\",\"subscribe\":{\"anonymous\":true},\"publish\":{\"anonymous\":true}}]}"));
    BridgeServer open = await(BridgeServer.start(vertx, new BridgeOptions(), anyoneMayPublish));
    SseClient sse = await(SseClient.connect(client, open.port(), "/sse?address=" + A));
    await(sse.connected());
    Reply refused = Http.post(client, open.port(), PATH,
        new JsonArray().add(event(A, "first", 1)).add(new JsonObject().put("connection", "not-a-connection-id")).encode());
    assertError(refused, 404, "no-connection");
    // Had the refused batch published its first event, it would arrive before the sentinel.
    ids(Http.post(client, open.port(), PATH, event(A, "sentinel", "s").encode()));
    await(sse.nth("sentinel", 1));
    assertEquals(List.of("connected", "sentinel"), sse.events().stream().map(Event::type).toList());
  }

  /**
   * A node that still holds its bus address but does not answer (crashed and not yet removed from
   * the cluster, or frozen): the event for its connection fails after the send timeout with
   * {@code 504 timeout}, and the batch's other events are published, as docs/PROTOCOL.md says.
   */
  @Test
  void aConnectionOnANodeThatDoesNotAnswerIsA504TimeoutAndTheOtherEventsGoOut() {
    RuleSet anyoneMayPublish = RuleSet.fromJson(new JsonObject(
        "{\"rules\":[{\"address\":\"**\",\"subscribe\":{\"anonymous\":true},\"publish\":{\"anonymous\":true}}]}"));
    BridgeServer open = await(BridgeServer.start(vertx, new BridgeOptions(), anyoneMayPublish));
    String silentNode = "5a1e0700dead";
    await(vertx.eventBus().consumer(NodeAddresses.node(silentNode), message -> {}).completion());
    SseClient sse = await(SseClient.connect(client, open.port(), "/sse?address=" + A));
    await(sse.connected());
    Reply refused = Http.post(client, open.port(), PATH,
        new JsonArray().add(event(A, "first", 1)).add(new JsonObject().put("connection", silentNode + "-1")).encode());
    assertError(refused, 504, "timeout");
    await(sse.nth("first", 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"address\":", "123", "\"text\"", "null", "true", "[]", "[1]",
      "[{\"address\":\"public.news\"}, null]"})
  void refusesBodiesThatAreNotEvents(String body) {
    assertError(publish(body), 400, "bad-json");
  }

  @Test
  void refusesAnEmptyBody() {
    assertError(Http.call(client, HttpMethod.POST, server.port(), PATH, null), 400, "bad-json");
    assertError(publish(""), 400, "bad-json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"address\":42}", "{\"address\":\"\"}", "{\"address\":\"public..x\"}",
      "{\"address\":\"public.a b\"}", "{\"address\":\"herald.control\"}", "{\"address\":[\"public.x\"]}"})
  void refusesBadAddresses(String body) {
    assertError(publish(body), 400, "bad-address");
  }

  @Test
  void refusesAnAddressLongerThan200Characters() {
    String address = "public." + "a".repeat(194);
    assertError(publish(event(address, null, 1).encode()), 400, "bad-address");
    ids(publish(event(address.substring(0, 200), null, 1).encode()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"has space\"", "\"line\\nbreak\"", "\"-leading\"", "5", "true", "{}", "\"é\""})
  void refusesBadTypes(String type) {
    assertError(publish("{\"address\":\"" + A + "\",\"type\":" + type + "}"), 400, "bad-type");
  }

  @Test
  void acceptsTypesUpTo64Characters() {
    ids(publish(event(A, "t".repeat(64), null).encode()));
    assertError(publish(event(A, "t".repeat(65), null).encode()), 400, "bad-type");
  }

  @Test
  void refusesABareNumberThatDoesNotFitIn64Bits() {
    SseClient sse = subscribe(A);
    assertError(publish("{\"address\":\"" + A + "\",\"data\":9223372036854775808}"), 400, "bad-data");
    assertError(publish("{\"address\":\"" + A + "\",\"data\":-123456789012345678901234567890}"), 400, "bad-data");
    // Beyond a double's range, bare or inside the data: Jackson would read it as infinity.
    assertError(publish("{\"address\":\"" + A + "\",\"data\":1e400}"), 400, "bad-data");
    assertError(publish("{\"address\":\"" + A + "\",\"data\":{\"price\":[1,-1e400]}}"), 400, "bad-data");
    assertNothingPublishedBefore(sse, 0);
    String id = ids(publish("{\"address\":\"" + A + "\",\"data\":9223372036854775807}")).get(0);
    Event seen = await(sse.nth("message", 1));
    assertEquals(id, seen.id());
    assertEquals(Long.MAX_VALUE, new JsonObject(seen.data()).getLong("data"));
  }

  @Test
  void readsTheBodyAsJsonWhateverItsContentTypeSays() {
    SseClient sse = subscribe(A);
    // curl -d, as the README's examples use it, labels the body a form; vertx-web would decode it as
    // one and refuse the '%'.
    List<String> types = List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain");
    for (String type : types) {
      Buffer body = Buffer.buffer(event(A, "sale", "20% off, " + type).encode());
      ids(Http.call(client, HttpMethod.POST, server.port(), PATH, body, MultiMap.caseInsensitiveMultiMap().add("content-type", type)));
    }
    await(sse.nth("sale", types.size()));
    assertEquals(types.stream().map(type -> "20% off, " + type).toList(),
        sse.events("sale").stream().map(e -> new JsonObject(e.data()).getString("data")).toList());
  }

  @Test
  void refusesMoreEventsThanTheLimit() {
    JsonArray four = new JsonArray();
    for (int i = 0; i < 4; i++) {
      four.add(event(A, null, i));
    }
    assertError(publish(four.encode()), 400, "too-many-events");
    four.remove(3);
    assertEquals(3, ids(publish(four.encode())).size());
  }

  @Test
  void refusesAddressesTheRulesDoNotGrantToAnAnonymousClient() {
    // Denied without a token: 401, since a token might change the answer (403 is for a known identity).
    assertError(publish(event("private.x", null, 1).encode()), 401, "unauthorized");
    assertError(publish(event("svc", null, 1).encode()), 401, "unauthorized");
  }

  @Test
  void refusesABodyLargerThanTheLimit() {
    SseClient sse = subscribe(A);
    String big = event(A, null, "z".repeat(5000)).encode();
    assertError(publish(big), 413, "too-large");
    String fits = event(A, null, "z".repeat(3000)).encode();
    assertTrue(fits.length() < 4096);
    ids(publish(fits));
    assertEquals("z".repeat(3000), new JsonObject(await(sse.nth("message", 1)).data()).getString("data"));
  }

  @Test
  void answersUnknownRoutesAndWrongMethodsWithJson() {
    assertError(Http.get(client, server.port(), "/api/nothing-here"), 404, "not-found");
    assertError(Http.post(client, server.port(), "/nope", "{}"), 404, "not-found");
    assertError(Http.get(client, server.port(), PATH), 405, "method-not-allowed");
    assertError(Http.call(client, HttpMethod.DELETE, server.port(), PATH, null), 405, "method-not-allowed");
    assertError(Http.post(client, server.port(), "/sse?address=" + A, "{}"), 405, "method-not-allowed");
  }
}
