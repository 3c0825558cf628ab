package io.herald.verticles.http;

import io.herald.bridge.auth.Redaction;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * One line per HTTP request when its answer ends (for a stream, when it closes; for a WebSocket
 * upgrade, as it arrives): method, path with every {@code access_token} value redacted, status,
 * duration and client. vertx-web's LoggerHandler
 * would log the raw URI, token and all.
 */
public final class AccessLog implements Handler<RoutingContext> {

  private static final Logger LOG = System.getLogger("herald.access");

  @Override
  public void handle(RoutingContext rc) {
    long start = System.nanoTime();
    HttpServerRequest request = rc.request();
    String method = request.method().name();
    String uri = Redaction.uri(request.uri());
    String client = String.valueOf(request.remoteAddress());
    if ("websocket".equalsIgnoreCase(request.getHeader("upgrade"))) {
      // An upgraded request never ends as an HTTP answer; it is logged as it arrives.
      LOG.log(Level.INFO, String.format("%s %s upgrade %s", method, uri, client));
      rc.next();
      return;
    }
    // The response's own end handler (called on a close too), not rc.addEndHandler: vert.x-web's
    // end handlers hold the routing context, about 1 KB, for as long as the answer lasts, which for
    // an SSE stream is the stream's life. Nothing else on Herald's router sets end handlers, which
    // would take this one's place.
    HttpServerResponse response = rc.response();
    response.endHandler(done -> LOG.log(Level.INFO, String.format("%s %s %d %dms %s",
        method, uri, response.getStatusCode(), (System.nanoTime() - start) / 1_000_000, client)));
    rc.next();
  }
}
