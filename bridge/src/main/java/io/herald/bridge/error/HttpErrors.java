package io.herald.bridge.error;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes HTTP error answers in the one JSON shape every endpoint uses. */
public final class HttpErrors {

  private HttpErrors() {}

  public static void send(RoutingContext rc, HeraldException error) {
    HttpServerResponse response = rc.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    send(response, error.code(), error.getMessage(), error.toHttpBody());
  }

  public static void send(RoutingContext rc, ErrorCode code, String message) {
    send(rc, new HeraldException(code, message));
  }

  private static void send(HttpServerResponse response, ErrorCode code, String message, JsonObject body) {
    if (code == ErrorCode.UNAUTHORIZED) {
      // RFC 6750: every 401 names the scheme the client should retry with.
      response.putHeader("www-authenticate", "Bearer error=\"invalid_token\", error_description=\"" + message.replace('"', '\'') + "\"");
    }
    response
        .setStatusCode(code.httpStatus())
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  /**
   * The router's error handler for 400. vertx-web calls it for a path it cannot decode (a bad
   * percent escape) without setting the status, so {@link #onFailure} could not tell it from a bug.
   */
  public static void onBadRequest(RoutingContext rc) {
    if (rc.failure() instanceof HeraldException error) {
      send(rc, error);
      return;
    }
    send(rc, ErrorCode.BAD_REQUEST, "the request could not be read");
  }

  /**
   * A router failure handler: the status a handler failed with (413 from the body limit, 404, 405)
   * becomes its JSON error; anything else is a 500 that does not reveal internals.
   */
  public static void onFailure(RoutingContext rc) {
    if (rc.failure() instanceof HeraldException error) {
      send(rc, error);
      return;
    }
    int status = rc.statusCode();
    switch (status) {
      case 400 -> send(rc, ErrorCode.BAD_REQUEST, "the request could not be read");
      case 404 -> send(rc, ErrorCode.NOT_FOUND, "no such resource");
      case 405 -> send(rc, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed here");
      case 413 -> send(rc, ErrorCode.TOO_LARGE, "the request body is larger than the limit");
      default -> send(rc, ErrorCode.INTERNAL, "internal error");
    }
  }
}
