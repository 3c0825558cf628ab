package io.herald.bridge.target;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.type;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AddressPattern;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.address.Grant;
import io.herald.bridge.address.Operation;
import io.herald.bridge.address.Rule;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.presence.PresencePolicy;
import io.herald.bridge.service.Herald;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.ProtocolFrames;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.SseClient.Event;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any {@code sub} an identity provider issues is a Herald user: its user channel can be targeted
 * (HTTP and the Java API), received and resumed over SSE and WebSocket, the default rules let the
 * user subscribe to it and nobody else, and presence names the user by its sub.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnySubjectTest {

  /** What real identity providers issue, and the OIDC worst case: 255 characters that all need escaping. */
  private static final List<String> SUBJECTS = List.of(
      "auth0|5f7c1a2b3c4d5e6f7a8b9c0d",
      "google-oauth2|112233445566778899",
      "a.b+tag@example.com",
      "Zoë Ångström 山田",
      "a,b=c",
      "100%",
      "|".repeat(255));

  @TempDir
  Path keys;

  private Vertx vertx;
  private Tokens tokens;
  private HttpClient http;
  private BridgeServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    HeraldNode.install(vertx, HistoryPolicy.parse("user.**=100/1h,public.**=100/1h"), PresencePolicy.parse("user.*"));
    tokens = Tokens.create(vertx, keys);
    http = vertx.createHttpClient();
    server = await(BridgeServer.start(vertx, new BridgeOptions(), RuleSet.defaults(),
        JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
  }

  private String token(String subject) {
    return tokens.hs256(sub(subject).expiresIn(Duration.ofHours(1)));
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private Http.Reply call(HttpMethod method, String uri, JsonObject body, String token) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token);
    return Http.call(http, method, server.port(), uri, body == null ? null : body.toBuffer(), headers);
  }

  private void publishToUser(String subject, int n) {
    Http.Reply reply = call(HttpMethod.POST, "/api/publish",
        new JsonObject().put("user", subject).put("type", "note").put("data", new JsonObject().put("n", n)),
        tokens.hs256(sub("svc").roles("publisher").expiresIn(Duration.ofHours(1))));
    assertEquals(202, reply.status(), () -> subject + ": " + reply.body());
  }

  private SseClient sse(String subject, String addresses, String lastEventId) {
    String uri = "/sse?access_token=" + token(subject) + addresses;
    SseClient sse = await(lastEventId == null
        ? SseClient.connect(http, server.port(), uri)
        : SseClient.resume(http, server.port(), uri, lastEventId));
    await(sse.connected());
    return sse;
  }

  private static List<Integer> numbers(List<Event> events) {
    return events.stream().map(e -> new JsonObject(e.data()).getJsonObject("data").getInteger("n")).toList();
  }

  @Test
  void aSseStreamOfAnySubReceivesWhatIsPublishedToItsUserAndResumesIt() {
    for (String subject : SUBJECTS) {
      // Two addresses with history: the cursor names each of them, the user channel among them.
      SseClient first = sse(subject, "&address=public.news", null);
      JsonObject connected = new JsonObject(first.events("connected").get(0).data());
      assertEquals(subject, connected.getString("user"));
      assertEquals(List.of("public.news", Targets.user(subject)), connected.getJsonArray("addresses").getList());
      publishToUser(subject, 1);
      Event one = await(first.nth("note", 1));
      assertEquals(Targets.user(subject), new JsonObject(one.data()).getString("address"));
      String cursor = first.lastEventId();
      await(first.close());

      publishToUser(subject, 2);
      publishToUser(subject, 3);
      SseClient second = sse(subject, "&address=public.news", cursor);
      await(second.nth("note", 2));
      assertEquals(List.of(2, 3), numbers(second.events("note")), subject);
      await(second.close());
    }
  }

  @Test
  void aWebSocketOfAnySubReceivesItsUserAndResumesItWithSince() {
    Herald herald = Herald.create(vertx);
    for (String subject : SUBJECTS) {
      String own = Targets.user(subject);
      FrameClient first = await(WebSocketFrameClient.raw(vertx, server.port(), "/ws?access_token=" + token(subject)));
      JsonObject welcome = await(first.next(type("welcome")));
      assertEquals(subject, welcome.getString("user"));
      String start = welcome.getJsonObject("positions").getString(own);
      assertNotNull(start, () -> subject + ": " + welcome.encode());
      await(herald.user(subject).send("note", new JsonObject().put("n", 1)));
      await(first.next(f -> note(f, own) && f.getJsonObject("body").getInteger("n") == 1));
      await(first.close());

      await(herald.user(subject).send("note", new JsonObject().put("n", 2)));
      FrameClient second = await(WebSocketFrameClient.raw(vertx, server.port(), "/ws?access_token=" + token(subject)));
      await(second.next(type("welcome")));
      await(second.send(new JsonObject().put("type", "register").put("address", own).put("id", "r")
          .put("headers", new JsonObject().put("since", start))));
      await(second.next(ProtocolFrames.ack("r")));
      await(second.next(f -> note(f, own) && f.getJsonObject("body").getInteger("n") == 2));
      List<Integer> got = new ArrayList<>();
      for (JsonObject f : second.history()) {
        if (note(f, own)) {
          got.add(f.getJsonObject("body").getInteger("n"));
        }
      }
      assertEquals(List.of(1, 2), got, subject);
      await(second.close());
    }
  }

  private static boolean note(JsonObject frame, String address) {
    return "rec".equals(frame.getString("type")) && "note".equals(frame.getString("event")) && address.equals(frame.getString("address"));
  }

  @Test
  void theDefaultRulesLetAUserSubscribeToItsOwnChannelAndNoOtherUsers() {
    String alice = "auth0|alice";
    String bob = "auth0|bob";
    FrameClient client = await(WebSocketFrameClient.raw(vertx, server.port(), "/ws?access_token=" + token(alice)));
    await(client.next(type("welcome")));
    await(client.send(ProtocolFrames.register(Targets.user(alice), "own")));
    await(client.next(ProtocolFrames.ack("own")));
    await(client.send(ProtocolFrames.register(Targets.user(bob), "other")));
    ProtocolFrames.assertError(await(client.next(f -> "other".equals(f.getValue("ref")))), "forbidden", 403);
    await(client.close());

    SseClient own = sse(alice, "&address=" + query(Targets.user(alice)), null);
    assertEquals(List.of(Targets.user(alice)),
        new JsonObject(own.events("connected").get(0).data()).getJsonArray("addresses").getList());
    await(own.close());
  }

  /**
   * With private sub-addresses under a user ({@code user.{sub}.**}), user {@code a} must not reach
   * the channel of user {@code a.b@example.com}: a sub is one address part.
   */
  @Test
  void aSubWithDotsIsOnePartSoAnotherUsersSubAddressesCannotReachIt() {
    RuleSet rules = new RuleSet(List.of(
        new Rule(AddressPattern.parse("user.{sub}"), Map.of(Operation.SUBSCRIBE, Grant.AUTHENTICATED)),
        new Rule(AddressPattern.parse("user.{sub}.**"), Map.of(Operation.SUBSCRIBE, Grant.AUTHENTICATED))));
    BridgeServer strict = await(BridgeServer.start(vertx, new BridgeOptions(), rules,
        JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
    FrameClient a = await(WebSocketFrameClient.raw(vertx, strict.port(), "/ws?access_token=" + token("a")));
    await(a.next(type("welcome")));
    await(a.send(ProtocolFrames.register(Targets.user("a.b@example.com"), "other")));
    ProtocolFrames.assertError(await(a.next(f -> "other".equals(f.getValue("ref")))), "forbidden", 403);
    await(a.send(ProtocolFrames.register("user.a.inbox", "mine")));
    await(a.next(ProtocolFrames.ack("mine")));
    await(a.close());
  }

  @Test
  void presenceOfAUserChannelNamesTheUserByItsSub() {
    for (String subject : SUBJECTS) {
      SseClient stream = sse(subject, "", null);
      await(stream.nth("presence.join", 1));
      JsonObject join = new JsonObject(stream.events("presence.join").get(0).data());
      assertEquals(subject, join.getJsonObject("data").getString("user"), join::encode);
      Http.Reply listed = call(HttpMethod.GET, "/api/presence?address=" + query(Targets.user(subject)), null, token(subject));
      assertEquals(200, listed.status(), () -> listed.body().toString());
      assertEquals(subject, listed.json().getJsonArray("members").getJsonObject(0).getString("user"));
      await(stream.close());
    }
  }

  @Test
  void theUserAddressOfASubIsOnePartThatLeavesValidSubsAlone() {
    assertEquals("user.alice", Targets.user("alice"));
    assertEquals("user.auth0%7Cx", Targets.user("auth0|x"));
    assertEquals("user.a%2Eb%2Btag@example%2Ecom", Targets.user("a.b+tag@example.com"));
    assertEquals("user.100%25", Targets.user("100%"));
    assertEquals("user.Zo%C3%AB", Targets.user("Zoë"));
    assertNull(AddressSyntax.problem(Targets.user("|".repeat(255))));
  }
}
