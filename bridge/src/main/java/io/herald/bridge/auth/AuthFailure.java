package io.herald.bridge.auth;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import java.util.Map;

/**
 * Why a client's credentials were refused, as a small fixed set that operators can count and alert
 * on. Read from the {@code unauthorized} failure's message, which {@link JwtAuthenticator} takes from
 * a fixed list and never from the token.
 */
public enum AuthFailure {
  /** No token, where the rules need one. */
  MISSING("missing"),
  /** Not a JWT at all: empty, too long, not three parts, an Authorization header that is not Bearer. */
  MALFORMED("malformed"),
  EXPIRED("expired"),
  NOT_YET_VALID("not-yet-valid"),
  BAD_SIGNATURE("bad-signature"),
  /** Signed with a key or an algorithm the node does not accept ({@code alg: none} among them). */
  UNKNOWN_KEY("unknown-key"),
  WRONG_ISSUER("wrong-issuer"),
  WRONG_AUDIENCE("wrong-audience"),
  /** Verified, but without a subject or with mistyped groups or roles. */
  BAD_CLAIMS("bad-claims"),
  /** The node accepts no tokens at all. */
  NOT_ACCEPTED("not-accepted"),
  /** Any other refusal. */
  INVALID("invalid");

  private static final Map<String, AuthFailure> BY_MESSAGE = Map.ofEntries(
      Map.entry("token is missing or too long", MALFORMED),
      Map.entry("token is malformed", MALFORMED),
      Map.entry("the Authorization header must be 'Bearer <token>'", MALFORMED),
      Map.entry("token has expired", EXPIRED),
      Map.entry("token is not valid yet", NOT_YET_VALID),
      Map.entry("token signature is invalid", BAD_SIGNATURE),
      Map.entry("token is not signed with an accepted key and algorithm", UNKNOWN_KEY),
      Map.entry("token issuer is not accepted", WRONG_ISSUER),
      Map.entry("token audience is not accepted", WRONG_AUDIENCE),
      Map.entry("token has no 'sub' claim", BAD_CLAIMS),
      Map.entry("this server accepts no tokens", NOT_ACCEPTED));

  private final String code;

  AuthFailure(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The reason of a failed authentication, or {@code null} when it failed for another cause (a bad request). */
  public static AuthFailure of(Throwable failure) {
    if (!(failure instanceof HeraldException refused) || refused.code() != ErrorCode.UNAUTHORIZED) {
      return null;
    }
    String message = refused.getMessage() == null ? "" : refused.getMessage();
    AuthFailure known = BY_MESSAGE.get(message);
    if (known != null) {
      return known;
    }
    return message.startsWith("token claim '") ? BAD_CLAIMS : INVALID;
  }
}
