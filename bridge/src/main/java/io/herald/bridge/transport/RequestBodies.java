package io.herald.bridge.transport;

import io.herald.bridge.BridgeOptions;
import io.vertx.ext.web.handler.BodyHandler;

/** How every POST body Herald reads is read: bounded, never to a file, in a buffer of its own size. */
public final class RequestBodies {

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
