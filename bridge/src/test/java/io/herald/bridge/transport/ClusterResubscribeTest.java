package io.herald.bridge.transport;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.unregister;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SilentWebSocket;
import io.herald.bridge.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that unregisters an address and registers it again while the first registration is
 * still on its way to the cluster (a page switching away from a room and back): the subscription
 * that counts is the last one, which starts at the newest position like any register without a
 * cursor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterResubscribeTest {

  @Test
  void registeringAgainWhileTheFirstRegistrationIsUnderWayReplaysNothingOld() throws Exception {
    TestCluster cluster = new TestCluster();
    try (cluster) {
      Vertx member = cluster.startMember().await(60, TimeUnit.SECONDS);
      HeraldNode.install(member, HistoryPolicy.defaults());
      BridgeServer server = await(BridgeServer.start(member, new BridgeOptions(), new AllowListRules(List.of("group.*")), Authenticator.NONE));
      String address = "group.flip";
      for (int i = 0; i < 3; i++) {
        await(HeraldNode.of(member).publish(address, "message", "old-" + i, System.currentTimeMillis()));
      }
      SilentWebSocket client = await(SilentWebSocket.connect(member, server.port(), "/ws"));
      // As a real client does, it speaks once the handshake is answered: frames written behind the
      // upgrade request in the same packet can be taken by the HTTP decoder and lost.
      frame(client, f -> "welcome".equals(f.getString("type")));
      await(client.sendTexts(List.of(register(address, "r1").encode(), unregister(address, "u2").encode(), register(address, "r3").encode())));
      JsonObject last = frame(client, f -> "r3".equals(f.getValue("ref")));
      JsonObject first = frame(client, f -> "r1".equals(f.getValue("ref")));
      assertEquals("ack", last.getString("type"), last.encode());
      // Both acknowledge the same subscription, which starts at the newest event.
      assertEquals(last.getString("position"), first.getString("position"), () -> String.valueOf(client.texts()));

      await(HeraldNode.of(member).publish(address, "message", "new", System.currentTimeMillis()));
      JsonObject event = frame(client, f -> "rec".equals(f.getString("type")));
      assertEquals("new", event.getValue("body"), () -> "history replayed to a client that asked for none: " + client.texts());
    }
  }

  /** The first frame from the server that matches, once it has come. */
  private static JsonObject frame(SilentWebSocket client, Predicate<JsonObject> match) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Http.WAIT_SECONDS);
    while (true) {
      Optional<JsonObject> found = client.texts().stream().map(JsonObject::new).filter(match).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching frame; received: " + client.texts());
      }
      Thread.sleep(10);
    }
  }
}
