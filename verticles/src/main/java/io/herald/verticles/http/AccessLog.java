package io.herald.verticles.http;

import io.herald.bridge.auth.Redaction;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
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
    rc.addEndHandler(done -> LOG.log(Level.INFO, String.format("%s %s %d %dms %s",
        method, uri, rc.response().getStatusCode(), (System.nanoTime() - start) / 1_000_000, client)));
    rc.next();
  }
}
