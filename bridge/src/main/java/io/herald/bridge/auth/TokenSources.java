package io.herald.bridge.auth;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Where a token is read from, in this order: the {@code Authorization: Bearer} header, then the
 * {@code access_token} query parameter (browsers cannot set headers on EventSource, WebSocket or
 * SockJS). A token in a WebSocket {@code auth} frame or in the {@code headers} of a bridge frame is
 * read by the frame protocol.
 */
public final class TokenSources {

  public static final String QUERY_PARAMETER = "access_token";

  private TokenSources() {}

  /**
   * @return the token, or {@code null} when the request carries none
   * @throws HeraldException when an Authorization header is present but not a bearer token, or the
   *     query string cannot be decoded
   */
  public static String fromRequest(HttpServerRequest request) {
    String query = queryToken(request);
    String header = bearer(request.headers());
    if (header != null) {
      return header;
    }
    return query;
  }

  /**
   * Decodes the request's parameters even when a header carries the token: this is the first thing
   * every door does with a request, so a query string (or, once vertx-web merged it in, a form body)
   * that cannot be decoded (a bad percent escape such as {@code %zz}) is refused here, once, as the
   * client's mistake, instead of failing later inside a handler as a 500.
   *
   * @throws HeraldException {@code bad-request} if the parameters cannot be decoded
   */
  private static String queryToken(HttpServerRequest request) {
    String query;
    try {
      query = request.getParam(QUERY_PARAMETER);
    } catch (RuntimeException e) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "the query string (or form) is not valid percent-encoding");
    }
    return query == null || query.isEmpty() ? null : query;
  }

  /** The bearer token of a bridge frame's {@code headers} ({@code Authorization} in any case), or null. */
  public static String fromFrameHeaders(Object headers) {
    if (!(headers instanceof JsonObject object)) {
      return null;
    }
    for (String name : object.fieldNames()) {
      if (name.equalsIgnoreCase("authorization") && object.getValue(name) instanceof String value) {
        return bearerValue(value);
      }
    }
    return null;
  }

  private static String bearer(MultiMap headers) {
    String value = headers.get("authorization");
    return value == null ? null : bearerValue(value);
  }

  private static String bearerValue(String value) {
    String trimmed = value.trim();
    if (trimmed.length() > 7 && trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return trimmed.substring(7).trim();
    }
    throw new HeraldException(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
  }
}
