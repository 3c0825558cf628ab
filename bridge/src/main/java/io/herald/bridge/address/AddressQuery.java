package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The query parameters of Herald's read APIs ({@code /api/history}, {@code /api/presence}): each
 * given at most once, and an {@code address} that is well formed and that the caller may subscribe
 * to, since whoever may receive an address may read what is kept of it.
 */
public final class AddressQuery {

  private AddressQuery() {}

  /** @throws HeraldException {@code bad-request} when the parameter is given more than once */
  public static String one(RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    if (values.size() > 1) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "give " + name + " once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** @throws HeraldException {@code bad-address}, or what the rules answer for a subscribe */
  public static String subscribable(RoutingContext rc, Identity identity, AddressRules rules) {
    String address = one(rc, "address");
    String problem = AddressSyntax.problem(address);
    if (problem != null) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, problem);
    }
    rules.require(identity, Operation.SUBSCRIBE, address);
    return address;
  }
}
