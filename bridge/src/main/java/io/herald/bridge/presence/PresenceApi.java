package io.herald.bridge.presence;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

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
          String address = one(rc, "address");
          String problem = AddressSyntax.problem(address);
          if (problem != null) {
            throw new HeraldException(ErrorCode.BAD_ADDRESS, problem);
          }
          boolean countOnly = countOnly(one(rc, "count"));
          rules.require(identity, Operation.SUBSCRIBE, address);
          return presence.describe(address, countOnly);
        })
        .onSuccess(body -> rc.response().putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  private static String one(RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    if (values.size() > 1) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "give " + name + " once");
    }
    return values.isEmpty() ? null : values.get(0);
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
