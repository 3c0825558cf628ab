package io.herald.bridge.service;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.request;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.service.Receiver.Received;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.TestCluster;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The facade on a member that serves no clients (member A: {@code HeraldNode.install} and nothing
 * else) reaching browsers connected to member B of a real two-member Hazelcast cluster, and a
 * service on A answering a browser on B.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeraldClusterTest {

  record OrderShipped(String orderId, int items, List<String> tags, long at) {}

  record Ping(String text) {}

  record Pong(String text, String by) {}

  private final TestCluster cluster = new TestCluster();
  private final List<Receiver> receivers = new ArrayList<>();
  private Vertx a;
  private Vertx b;
  private Herald herald;
  private BridgeServer serverB;

  @BeforeAll
  void startCluster() throws Exception {
    a = cluster.startMember().await(60, TimeUnit.SECONDS);
    b = cluster.startMember().await(60, TimeUnit.SECONDS);
    HeraldNode.install(a, HistoryPolicy.defaults());
    herald = Herald.create(a);
    RuleSet rules = RuleSet.fromJson(new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("address", "user.{sub}").put("subscribe", true))
        .add(new JsonObject().put("address", "service.**").put("send", true))));
    serverB = await(BridgeServer.startNode(b, new BridgeOptions(), rules, JwtAuthenticator.create(b, JwtSettings.hmac(Tokens.SECRET))));
    await(HeraldNode.of(b).channel().registered());
  }

  @AfterEach
  void closeClients() {
    for (Receiver receiver : receivers) {
      await(receiver.close());
    }
    receivers.clear();
  }

  @AfterAll
  void stopCluster() throws Exception {
    cluster.close();
  }

  private static String token() {
    return Tokens.hs256WithSecret(Tokens.SECRET, sub("alice").expiresIn(Duration.ofMinutes(5)));
  }

  @Test
  void aServiceMemberReachesAUserAConnectionAndAGroupOnAnotherMember() {
    for (String transport : List.of("websocket", "sse", "sockjs-xhr-polling")) {
      receivers.add(await(Receiver.open(b, transport, serverB.port(), token())));
    }
    await(Receiver.userChannelLive(a, herald, "alice", receivers));

    OrderShipped toUser = new OrderShipped("o-1", 2, List.of("a"), 1_795_377_667_019L);
    String id = await(herald.user("alice").send("order-shipped", toUser));
    for (Receiver receiver : receivers) {
      Received got = await(receiver.next("order-shipped"));
      assertEquals("user.alice", got.address(), receiver::toString);
      assertEquals(id, got.id(), receiver::toString);
      assertEquals(toUser, herald.decode(got.data(), OrderShipped.class), receiver::toString);
    }

    Receiver one = receivers.get(2);
    OrderShipped toConnection = new OrderShipped("o-2", 1, List.of(), 0);
    await(herald.connection(one.connectionId).send("order-shipped", toConnection));
    Received direct = await(one.next("order-shipped"));
    assertEquals("connection." + one.connectionId, direct.address());
    assertEquals(toConnection, herald.decode(direct.data(), OrderShipped.class));

    Receiver member = receivers.get(1);
    await(herald.addToGroup(member.connectionId, "ops"));
    OrderShipped toGroup = new OrderShipped("o-3", 5, List.of("ops"), 3);
    await(herald.group("ops").send("order-shipped", toGroup));
    Received grouped = await(member.next("order-shipped"));
    assertEquals("group.ops", grouped.address());
    assertEquals(toGroup, herald.decode(grouped.data(), OrderShipped.class));
  }

  @Test
  void aBrowserOnOneMemberCallsATypedServiceOnAnother() {
    Registration service = await(herald.serve("service.ping", Ping.class, ping -> "fail".equals(ping.text())
        ? Future.failedFuture(new HeraldException(ErrorCode.FORBIDDEN, "not you"))
        : Future.succeededFuture(new Pong(ping.text(), "member A"))));
    Promise<FrameClient> opened = Promise.promise();
    b.runOnContext(v -> WebSocketFrameClient.raw(b, serverB.port(), "/ws?access_token=" + token()).<FrameClient>map(c -> c).onComplete(opened));
    FrameClient client = await(opened.future());
    try {
      await(client.send(request("service.ping", new JsonObject().put("text", "hi"), "r1")));
      JsonObject reply = await(client.next(f -> "r1".equals(f.getValue("address"))));
      assertEquals(new Pong("hi", "member A"), herald.decode(reply.getValue("body"), Pong.class), reply.encode());

      await(client.send(request("service.ping", new JsonObject().put("text", "fail"), "r2")));
      JsonObject failure = await(client.next(f -> "r2".equals(f.getValue("address"))));
      assertEquals("recipient-failure", failure.getString("code"), failure.encode());
      assertEquals(403, failure.getInteger("failureCode"), failure.encode());
      assertEquals("forbidden: not you", failure.getString("message"), failure.encode());
    } finally {
      await(client.close().otherwiseEmpty());
      await(service.unregister());
    }
  }
}
