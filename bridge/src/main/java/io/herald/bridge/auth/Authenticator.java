package io.herald.bridge.auth;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/** Turns a bearer token into an identity. */
@FunctionalInterface
public interface Authenticator {

  /** Accepts no token at all, for bridges that serve only what the rules grant anonymous clients. */
  Authenticator NONE = token -> Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, "this server accepts no tokens"));

  /**
   * @return the token's identity, or a future failed with a {@code HeraldException} of code
   *     {@code unauthorized} whose message says why (never the token itself)
   */
  Future<Identity> authenticate(String token);

  /**
   * The identity of an HTTP request (or handshake): its token's, or {@link Identity#ANONYMOUS} when
   * it carries none. A token that is present but bad fails: it is never downgraded to anonymous.
   */
  default Future<Identity> identify(HttpServerRequest request) {
    String token;
    try {
      token = TokenSources.fromRequest(request);
    } catch (HeraldException e) {
      return Future.failedFuture(e);
    }
    return token == null ? Future.succeededFuture(Identity.ANONYMOUS) : authenticate(token);
  }
}
