package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;

/**
 * The one component that decides who may do what on which address. Every transport and the HTTP API
 * ask it before they subscribe, publish or send; anything it does not permit is denied.
 *
 * <p>Addresses reach it only after {@link AddressSyntax} accepted them.
 */
@FunctionalInterface
public interface AddressRules {

  boolean permits(Identity identity, Operation operation, String address);

  /**
   * Permits or throws: {@code unauthorized} (401) when an anonymous client is denied, since a token
   * might change the answer, and {@code forbidden} (403) when an authenticated one is.
   */
  default void require(Identity identity, Operation operation, String address) {
    if (permits(identity, operation, address)) {
      return;
    }
    String what = operation.name().toLowerCase(java.util.Locale.ROOT) + " on " + address;
    if (identity.anonymous()) {
      throw new HeraldException(ErrorCode.UNAUTHORIZED, "a valid token is required to " + what, address);
    }
    throw new HeraldException(ErrorCode.FORBIDDEN, what + " is not permitted", address);
  }
}
