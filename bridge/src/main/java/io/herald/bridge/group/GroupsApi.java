package io.herald.bridge.group;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.node.NodeChannel;
import io.herald.bridge.target.Targets;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code PUT /api/groups/<g>/connections/<id>} joins a connection, on whatever node, to a group;
 * {@code DELETE} on the same path takes it out. Whoever may publish to {@code group.<g>} may manage
 * its members: a service, not a browser, under the default rules.
 */
public final class GroupsApi implements Handler<RoutingContext> {

  public static final String PATH = "/api/groups/:group/connections/:connection";

  private final NodeChannel channel;
  private final AddressRules rules;
  private final Authenticator authenticator;

  public GroupsApi(NodeChannel channel, AddressRules rules, Authenticator authenticator) {
    this.channel = channel;
    this.rules = rules;
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext rc) {
    String group = rc.pathParam("group");
    String connection = rc.pathParam("connection");
    boolean join = rc.request().method() == HttpMethod.PUT;
    authenticator.identify(rc.request())
        .compose(identity -> {
          rules.require(identity, Operation.PUBLISH, Targets.group(group));
          return join ? channel.join(connection, group).map(true) : channel.leave(connection, group);
        })
        .onSuccess(changed -> rc.response().putHeader("content-type", "application/json").end(
            new JsonObject().put("group", group).put("connection", connection).put(join ? "joined" : "left", changed).encode()))
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }
}
