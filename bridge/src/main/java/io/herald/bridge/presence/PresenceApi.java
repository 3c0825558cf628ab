package io.herald.bridge.presence;

import io.herald.bridge.address.AddressQuery;
import io.herald.bridge.address.AddressRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/presence?address=A}: who is subscribed to an address that keeps presence, on every
 * node, as {@code {"address","count","members":[{user, connection, node, transport, since}]}}; with
 * {@code &count=true} only {@code {"address","count"}}, which in a cluster is an aggregate that
 * ships no entry. Whoever may subscribe to an address may ask who else is there.
 */
public final class PresenceApi implements Handler<RoutingContext> {

  public static final String PATH = "/api/presence";

  private final Presence presence;
  private final AddressRules rules;
  private final Authenticator authenticator;

  public PresenceApi(Presence presence, AddressRules rules, Authenticator authenticator) {
    this.presence = presence;
    this.rules = rules;
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext rc) {
    authenticator.identify(rc.request())
        .compose(identity -> {
          String address = AddressQuery.subscribable(rc, identity, rules);
          boolean countOnly = countOnly(AddressQuery.one(rc, "count"));
          return presence.describe(address, countOnly);
        })
        .onSuccess(body -> rc.response().putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  private static boolean countOnly(String text) {
    if (text == null || text.equals("false")) {
      return false;
    }
    if (text.equals("true") || text.isEmpty()) {
      return true;
    }
    throw new HeraldException(ErrorCode.BAD_REQUEST, "count must be true or false");
  }
}
