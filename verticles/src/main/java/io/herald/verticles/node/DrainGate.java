package io.herald.verticles.node;

import io.herald.bridge.transport.sockjs.SockJsTransport;
import io.herald.verticles.ready.Readiness;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The first route of every HTTP verticle: once the node drains, a request that arrives (on a
 * connection accepted before the listener closed, or in the moment before it did) is refused with
 * {@code 503 shutting-down}, so no connection is set up on a bridge that is closing. Three kinds
 * pass: {@code /ready}, which says why the node is not ready; {@code /health}, alive until the end;
 * and the requests of SockJS sessions the node already has, since an xhr transport's next poll is
 * what carries the farewell to its client.
 */
public final class DrainGate implements Handler<RoutingContext> {

  /** The error code of the refusal (docs/PROTOCOL.md); the shape is every Herald HTTP error's. */
  public static final String CODE = "shutting-down";
  /** Where vertx-web's SockJS handler keeps this Vert.x instance's sessions, by id (the bridge's LocalSessions reads it too). */
  private static final String SOCKJS_SESSIONS = "_vertx.sockjssessions";

  private final NodeState state;
  private final LocalMap<String, Object> sockJsSessions;

  public DrainGate(NodeState state, Vertx vertx) {
    this.state = state;
    this.sockJsSessions = vertx.sharedData().getLocalMap(SOCKJS_SESSIONS);
  }

  @Override
  public void handle(RoutingContext rc) {
    String path = rc.normalizedPath();
    if (state.phase() != NodeState.Phase.DRAINING || isProbe(path) || existingSockJsSession(path)) {
      rc.next();
      return;
    }
    JsonObject error = new JsonObject().put("code", CODE).put("message", "this node is shutting down; connect to another");
    rc.response()
        .setStatusCode(503)
        .putHeader("content-type", "application/json")
        .putHeader("retry-after", "1")
        .end(new JsonObject().put("error", error).encode());
  }

  /** {@code /ready} or {@code /health}, with or without the trailing slash the router takes for them too. */
  private static boolean isProbe(String path) {
    String bare = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return bare.equals(Readiness.PATH) || bare.equals(Readiness.HEALTH_PATH);
  }

  /** {@code /eventbus/<server>/<session>/<transport>} of a session this node holds. */
  private boolean existingSockJsSession(String path) {
    String prefix = SockJsTransport.PATH + "/";
    if (!path.startsWith(prefix)) {
      return false;
    }
    String[] parts = path.substring(prefix.length()).split("/", -1);
    return parts.length == 3 && sockJsSessions.containsKey(parts[1]);
  }
}
