package io.herald.bridge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestClusterTest {

  @Test
  void twoMembersShareTheEventBus() throws Exception {
    try (TestCluster cluster = new TestCluster()) {
      Vertx a = cluster.startMember().await(60, TimeUnit.SECONDS);
      Vertx b = cluster.startMember().await(60, TimeUnit.SECONDS);
      var received = new java.util.concurrent.CompletableFuture<Object>();
      b.eventBus().consumer("probe", m -> received.complete(m.body())).completion().await(10, TimeUnit.SECONDS);
      a.eventBus().publish("probe", new JsonObject().put("n", 1));
      assertEquals(new JsonObject().put("n", 1), received.get(10, TimeUnit.SECONDS));
    }
  }
}
