package io.herald.bridge.transport;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HttpErrors;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Refuses a request whose query string cannot be decoded (a bad percent escape such as {@code %zz}),
 * before a {@code BodyHandler} reads its body: for a form body, vertx-web's BodyHandler decodes the
 * query string inside its own end handler to merge the form in, and when that throws the request is
 * never answered. A {@link PlatformHandler}, so vertx-web lets it run before a body handler on the
 * same route.
 */
public final class QueryCheck implements PlatformHandler {

  public static final QueryCheck INSTANCE = new QueryCheck();

  private QueryCheck() {}

  @Override
  public void handle(RoutingContext rc) {
    try {
      rc.request().params();
    } catch (RuntimeException e) {
      HttpErrors.send(rc, ErrorCode.BAD_REQUEST, "the query string is not valid percent-encoding");
      return;
    }
    rc.next();
  }
}
