package io.herald.bridge.transport;

import io.herald.bridge.BridgeOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;

/** How every POST body Herald reads is read: bounded, never to a file, in a buffer of its own size. */
public final class RequestBodies {

  /**
   * Before {@link #bounded} on the JSON APIs (publish, send): their body is JSON whatever the request
   * says it is. {@code curl -d}, as the README's examples use it, labels a body
   * {@code application/x-www-form-urlencoded}, and vertx-web then also decodes it as a form, which
   * refuses JSON holding a '%' ({@code "20% off"}) while the same event without one goes through.
   * A {@link PlatformHandler}, so vertx-web lets it run before the body handler.
   */
  public static final PlatformHandler AS_JSON = rc -> {
    String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
        || type.regionMatches(true, 0, "multipart/form-data", 0, 19))) {
      rc.request().headers().remove(HttpHeaders.CONTENT_TYPE);
    }
    rc.next();
  };

  private RequestBodies() {}

  /**
   * A body handler for the publish, send and SockJS bodies. Bodies come with a {@code Content-Length}
   * (a larger one than the limit is refused before any byte is read), so the buffer is made to that
   * size: vertx-web's default starts every body at 1 KB, most of it garbage for a 150-byte event.
   */
  public static BodyHandler bounded(BridgeOptions options) {
    return BodyHandler.create(false)
        .setBodyLimit(options.getMaxBodySize())
        .setPreallocateBodyBuffer(true);
  }
}
