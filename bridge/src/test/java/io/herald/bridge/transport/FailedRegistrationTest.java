package io.herald.bridge.transport;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.register;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A subscription the cluster cannot register leaves nothing in the connection behind it. */
class FailedRegistrationTest {

  @Test
  void aRegistrationTheClusterRefusesNeitherLingersNorCountsTowardTheLimit() throws Exception {
    TestCluster cluster = new TestCluster();
    try (cluster) {
      Vertx member = cluster.startMember().await(60, TimeUnit.SECONDS);
      HeraldNode.install(member, HistoryPolicy.defaults());
      BridgeServer server = await(BridgeServer.start(member, new BridgeOptions().setMaxSubscriptions(1), AllowListRules.defaults()));
      FrameClient client = await(FrameClient.webSocket(member, server.port()));
      // The member loses its cluster: every registration on the bus fails from now on.
      ((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance().getLifecycleService().terminate();
      for (String address : new String[] {"user.lost", "public.lost", "user.lost"}) {
        String ref = "r-" + address;
        client.send(register(address, ref));
        JsonObject answer = await(client.next(f -> ref.equals(f.getValue("ref"))));
        // Had a failed subscription stayed in the connection, the next would be over the limit of one.
        assertEquals("internal", answer.getString("code"), address + ": " + answer.encode());
      }
    }
  }
}
