package io.herald.bridge.service;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Http.statsUntil;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.node.ConnectionIds;
import io.herald.bridge.node.NodeAddresses;
import io.herald.bridge.service.Receiver.Received;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Tokens;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record sent through the facade reaches browsers on every transport (SSE, WebSocket, SockJS
 * xhr-polling and SockJS WebSocket) as JSON that the facade reads back into an equal record: to a
 * user, a group, one connection and everyone. Real server, real clients, real JWTs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeraldDeliveryTest {

  record OrderShipped(String orderId, int items, List<String> tags, long at) {}

  /** What {@code herald.connection.opened} says of a connection; other fields are for others. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ConnectionOpened(String connection, String user, String transport) {}

  private static final OrderShipped SHIPPED = new OrderShipped("o-17", 3, List.of("fragile", "gift"), 1_795_377_667_019L);

  private Vertx vertx;
  private BridgeServer server;
  private Herald herald;
  private final List<Receiver> alice = new ArrayList<>();
  private final List<Receiver> others = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    server = await(BridgeServer.start(vertx, new BridgeOptions(), RuleSet.defaults(),
        JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
    herald = Herald.create(vertx);
    for (String transport : Receiver.TRANSPORTS) {
      alice.add(await(Receiver.open(vertx, transport, server.port(), token("alice"))));
    }
    await(Receiver.userChannelLive(vertx, herald, "alice", alice));
  }

  @AfterEach
  void nothingIsLeft() {
    for (Receiver receiver : concat(alice, others)) {
      await(receiver.close());
    }
    BridgeStats stats = statsUntil(server, s -> s.connections() == 0 && s.subscriptions() == 0);
    assertEquals(0, stats.connections(), stats::toString);
    assertEquals(0, stats.subscriptions(), stats::toString);
  }

  private static String token(String user) {
    return Tokens.hs256WithSecret(Tokens.SECRET, sub(user).expiresIn(Duration.ofMinutes(5)));
  }

  private void assertReceived(Receiver receiver, String address, String id, OrderShipped expected) {
    Received got = await(receiver.next("order-shipped"));
    assertEquals(address, got.address(), receiver::toString);
    if (id != null) {
      assertEquals(id, got.id(), receiver::toString);
    }
    assertEquals(expected, herald.decode(got.data(), OrderShipped.class), receiver::toString);
  }

  /**
   * Proves what did not arrive: a marker sent to everyone after the event reached the others comes
   * behind anything the connection was given, on the same event loop.
   */
  private void assertNoOrderBeforeMarker(Receiver receiver, int expected) {
    String marker = "marker-" + System.nanoTime();
    await(herald.everyone().send(marker, true));
    await(receiver.next(marker));
    assertEquals(expected, receiver.count("order-shipped"), receiver::toString);
  }

  @Test
  void aRecordSentToAUserReachesEachOfTheUsersConnections() {
    String id = await(herald.user("alice").send("order-shipped", SHIPPED));
    for (Receiver receiver : alice) {
      assertReceived(receiver, "user.alice", id, SHIPPED);
    }
  }

  @Test
  void aRecordSentToAGroupReachesTheConnectionsAddedToItAndNoOther() {
    for (Receiver receiver : alice) {
      await(herald.addToGroup(receiver.connectionId, "shipping"));
    }
    Receiver left = alice.get(0);
    assertTrue(await(herald.removeFromGroup(left.connectionId, "shipping")));
    assertEquals(false, await(herald.removeFromGroup(left.connectionId, "shipping")));

    String id = await(herald.group("shipping").send("order-shipped", SHIPPED));
    for (Receiver receiver : alice.subList(1, alice.size())) {
      assertReceived(receiver, "group.shipping", id, SHIPPED);
    }
    assertNoOrderBeforeMarker(left, 0);
  }

  @Test
  void aRecordSentToOneConnectionReachesThatConnectionOnly() {
    List<OrderShipped> sent = new ArrayList<>();
    for (Receiver receiver : alice) {
      OrderShipped own = new OrderShipped("o-" + receiver.transport, 1, List.of(receiver.transport), System.currentTimeMillis());
      sent.add(own);
      await(herald.connection(receiver.connectionId).send("order-shipped", own));
    }
    for (int i = 0; i < alice.size(); i++) {
      Receiver receiver = alice.get(i);
      assertReceived(receiver, "connection." + receiver.connectionId, null, sent.get(i));
      assertNoOrderBeforeMarker(receiver, 1);
    }
  }

  @Test
  void aRecordSentToEveryoneReachesEveryConnection() {
    others.add(await(Receiver.open(vertx, "websocket", server.port(), token("bob"))));
    String id = await(herald.everyone().send("order-shipped", SHIPPED));
    for (Receiver receiver : concat(alice, others)) {
      assertReceived(receiver, "everyone", id, SHIPPED);
    }
  }

  /** SignalR's OnConnectedAsync: a service hears each new connection and puts it in a group. */
  @Test
  void aServiceCanPutEachNewConnectionInAGroup() {
    Promise<Void> joined = Promise.promise();
    await(herald.on("herald.connection.opened", ConnectionOpened.class, opened -> {
      if ("bob".equals(opened.user())) {
        herald.addToGroup(opened.connection(), "newcomers").onComplete(joined);
      }
    }));
    Receiver bob = await(Receiver.open(vertx, "sockjs-xhr-polling", server.port(), token("bob")));
    others.add(bob);
    await(joined.future());
    String id = await(herald.group("newcomers").send("order-shipped", SHIPPED));
    assertReceived(bob, "group.newcomers", id, SHIPPED);
  }

  /**
   * Any member may put a request on a node's address by hand, past the checks {@code Herald} makes
   * before sending: a group that is no group is refused as such, and the connection keeps its groups.
   */
  @Test
  void aHandMadeJoinWithABadGroupIsRefusedAsABadAddress() {
    Receiver receiver = alice.get(0);
    await(herald.addToGroup(receiver.connectionId, "shipping"));
    String node = NodeAddresses.node(ConnectionIds.nodeKeyOf(receiver.connectionId));
    for (String group : Arrays.asList("a.b", "", "ship ping", null)) {
      JsonObject body = new JsonObject().put("connection", receiver.connectionId).put("group", group);
      DeliveryOptions join = new DeliveryOptions().addHeader(NodeAddresses.HEADER_OP, "join").setSendTimeout(5_000);
      Throwable failure = assertThrows(Throwable.class, () -> await(vertx.eventBus().request(node, body, join)));
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      ReplyException refused = assertInstanceOf(ReplyException.class, cause, () -> "group " + group + ": " + cause);
      assertEquals(ReplyFailure.RECIPIENT_FAILURE, refused.failureType(), () -> "group " + group + ": " + refused);
      assertEquals(ErrorCode.BAD_ADDRESS.code(), refused.getMessage(), () -> "group " + group);
    }
    String id = await(herald.group("shipping").send("order-shipped", SHIPPED));
    assertReceived(receiver, "group.shipping", id, SHIPPED);
  }

  private static List<Receiver> concat(List<Receiver> a, List<Receiver> b) {
    List<Receiver> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
