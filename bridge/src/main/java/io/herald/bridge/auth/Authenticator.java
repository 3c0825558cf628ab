package io.herald.bridge.auth;

import io.vertx.core.Future;

/** Turns a bearer token into an identity. */
@FunctionalInterface
public interface Authenticator {

  /**
   * @return the token's identity, or a future failed with a {@code HeraldException} of code
   *     {@code unauthorized} whose message says why (never the token itself)
   */
  Future<Identity> authenticate(String token);
}
