package io.herald.bridge.service;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.request;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.service.Receiver.Received;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.NodeChooser;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's "Java API" examples, verbatim between the markers, run against a real server and clients. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeExamplesTest {

  record OrderShipped(String orderId, int items) {}

  record QuoteRequest(String orderId) {}

  record Quote(String orderId, long cents) {}

  @Test
  void theJavaApiExamplesDoWhatTheReadmeSays(Vertx vertx) {
    RuleSet rules = RuleSet.fromJson(new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("address", "user.{sub}").put("subscribe", true))
        .add(new JsonObject().put("address", "service.**").put("send", true))));
    BridgeServer server = await(BridgeServer.start(vertx, new BridgeOptions(), rules, JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
    String token = Tokens.hs256WithSecret(Tokens.SECRET, sub("alice").expiresIn(Duration.ofMinutes(5)));
    Receiver tab = await(Receiver.open(vertx, "websocket", server.port(), token));
    String connectionId = tab.connectionId;
    await(Receiver.userChannelLive(vertx, Herald.create(vertx), "alice", List.of(tab)));

    // README: events
    Herald herald = Herald.create(vertx);   // or Herald.create(vertx, yourObjectMapper)

    herald.user("alice").send("order-shipped", new OrderShipped("o-17", 3));  // every connection of alice
    herald.connection(connectionId).send(new OrderShipped("o-18", 1));        // that connection; type "message"
    herald.everyone().send("maintenance", Map.of("at", "22:00"));             // every connection of the cluster
    herald.addToGroup(connectionId, "ops")                                    // until it leaves or closes
        .compose(v -> herald.group("ops").send("order-shipped", new OrderShipped("o-19", 2)));
    // README: end

    Set<String> shipped = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      Received got = await(tab.next("order-shipped"));
      shipped.add(got.address() + " " + herald.decode(got.data(), OrderShipped.class));
    }
    assertEquals(Set.of("user.alice " + new OrderShipped("o-17", 3), "group.ops " + new OrderShipped("o-19", 2)), shipped);
    Received direct = await(tab.next("message"));
    assertEquals("connection." + connectionId, direct.address());
    assertEquals(new OrderShipped("o-18", 1), herald.decode(direct.data(), OrderShipped.class));
    assertEquals(new JsonObject().put("at", "22:00"), await(tab.next("maintenance")).data());

    // README: service
    Future<Registration> registered = herald.serve("service.quotes", QuoteRequest.class, request -> request.orderId().isBlank()
        ? Future.failedFuture(new HeraldException(ErrorCode.BAD_DATA, "orderId is required"))
        : Future.succeededFuture(new Quote(request.orderId(), 1250)));
    // README: end
    await(registered);

    // README: request
    Future<Quote> quote = herald.request("service.quotes", new QuoteRequest("o-17"), Quote.class);
    // README: end
    assertEquals(new Quote("o-17", 1250), await(quote));

    // What the README's browser snippet (eb.send with a callback) gets, over SockJS.
    Promise<FrameClient> opened = Promise.promise();
    vertx.runOnContext(v -> XhrPollingFrameClient.open(vertx, NodeChooser.only(server.port()), "access_token=" + token)
        .<FrameClient>map(c -> c).onComplete(opened));
    FrameClient eb = await(opened.future());
    await(eb.send(request("service.quotes", new JsonObject().put("orderId", "o-17"), "cb-1")));
    assertEquals(new JsonObject().put("orderId", "o-17").put("cents", 1250),
        await(eb.next(f -> "cb-1".equals(f.getValue("address")))).getJsonObject("body"));
    await(eb.send(request("service.quotes", new JsonObject().put("orderId", ""), "cb-2")));
    JsonObject err = await(eb.next(f -> "cb-2".equals(f.getValue("address"))));
    assertEquals(400, err.getInteger("failureCode"), err.encode());
    assertEquals("RECIPIENT_FAILURE", err.getString("failureType"), err.encode());
    assertEquals("bad-data: orderId is required", err.getString("message"), err.encode());
    await(eb.close());
    await(tab.close());
  }
}
