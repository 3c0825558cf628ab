package io.herald.verticles.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** A node on its own: the only member, always joined. */
final class StandaloneMembership implements Membership {

  private final String nodeId = UUID.randomUUID().toString();
  private volatile JsonObject facts = new JsonObject();

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public boolean joined() {
    return true;
  }

  @Override
  public List<String> nodeIds() {
    return List.of(nodeId);
  }

  @Override
  public Future<Void> publish(JsonObject published) {
    facts = published.copy();
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonObject> facts(String id) {
    return id.equals(nodeId) ? Future.succeededFuture(facts.copy()) : Future.failedFuture("not a member: " + id);
  }
}
