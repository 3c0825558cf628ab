package io.herald.bridge.publish;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.Http.Reply;
import io.herald.bridge.support.ProtocolFrames;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /api/send}: the frame protocol's send and request over HTTP, for SSE clients. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendApiTest {

  private Vertx vertx;
  private HttpClient client;
  private BridgeServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    // The allow list grants every operation on public.*; nothing else.
    this.server = await(BridgeServer.start(vertx, new BridgeOptions().setReplyTimeout(Duration.ofSeconds(5)), AllowListRules.defaults()));
    await(vertx.eventBus().<JsonObject>consumer("public.echo", m -> m.reply(new JsonObject().put("echo", m.body()))).completion());
    await(vertx.eventBus().consumer("public.broken", m -> m.fail(409, "the order is closed")).completion());
    await(vertx.eventBus().consumer("public.silent", m -> {}).completion());
  }

  private Reply send(JsonObject body) {
    return Http.post(client, server.port(), SendApi.PATH, body.encode());
  }

  @Test
  void aRequestGetsTheServicesReply() {
    Reply reply = send(new JsonObject().put("address", "public.echo").put("body", new JsonObject().put("q", 1)).put("reply", true));
    assertEquals(200, reply.status(), reply.body().toString());
    assertEquals(new JsonObject().put("echo", new JsonObject().put("q", 1)), reply.json().getJsonObject("body"));
  }

  @Test
  void aSendWithoutReplyIsDeliveredAndAccepted() {
    Promise<Object> received = Promise.promise();
    await(vertx.eventBus().consumer("public.inbox", m -> received.tryComplete(m.body())).completion());
    Reply reply = send(new JsonObject().put("address", "public.inbox").put("body", "hello"));
    assertEquals(202, reply.status(), reply.body().toString());
    assertEquals("hello", await(received.future()));
  }

  @Test
  void failedRequestsAreToldAsTheFrameProtocolTellsThem() {
    assertError(send(new JsonObject().put("address", "public.broken").put("reply", true)), 502, "recipient-failure");
    assertTrue(send(new JsonObject().put("address", "public.broken").put("reply", true)).json()
        .getJsonObject("error").getString("message").contains("the order is closed"));
    assertError(send(new JsonObject().put("address", "public.silent").put("reply", true).put("timeout", 200)), 504, "timeout");
    assertError(send(new JsonObject().put("address", "public.nobody").put("reply", true)), 503, "no-handler");
  }

  @Test
  void badRequestsAreRefusedWithAClearError() {
    assertError(Http.post(client, server.port(), SendApi.PATH, "not json"), 400, "bad-json");
    assertError(send(new JsonObject().put("body", 1)), 400, "bad-address");
    // Anonymous, and no rule grants this address to anyone: a token is what is missing.
    assertError(send(new JsonObject().put("address", "private.echo").put("reply", true)), 401, "unauthorized");
    assertError(send(new JsonObject().put("address", "public.echo").put("reply", true).put("timeout", -1)), 400, "bad-frame");
    // The node still answers.
    assertEquals(200, send(new JsonObject().put("address", "public.echo").put("reply", true)).status());
  }

  /**
   * A send is point-to-point: on a user, group, connection or everyone it would reach the
   * subscribers of one node (one hub) and miss the rest, without a position on an address with
   * history. Those take a publish; a send to them is refused, however the rules stand.
   */
  @Test
  void aSendToATargetIsRefusedForItWouldReachOneNodeOnly() {
    for (String target : List.of("user.alice", "group.ops", "connection.0123456789ab-1", "everyone")) {
      Reply reply = send(new JsonObject().put("address", target).put("body", "hello"));
      assertError(reply, 400, "bad-address");
      assertTrue(reply.json().getJsonObject("error").getString("message").contains("publish"), reply.body().toString());
    }
    FrameClient ws = await(FrameClient.webSocket(vertx, server.port()));
    await(ws.send(ProtocolFrames.send("user.alice", "hello", "s1")));
    JsonObject refused = await(ws.next(ProtocolFrames.err("bad-address")));
    assertEquals("s1", refused.getValue("ref"), refused.encode());
    await(ws.close());
  }

  private static void assertError(Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body().toString());
    assertEquals(code, reply.errorCode(), reply.body().toString());
  }

}
