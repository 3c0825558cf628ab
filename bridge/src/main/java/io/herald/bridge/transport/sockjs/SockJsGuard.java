package io.herald.bridge.transport.sockjs;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.transport.WebSocketHandshake;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Refuses, with Herald's JSON errors, the malformed SockJS requests that vertx-web's SockJS handler
 * answers with a {@code 500} or a bare text status: a JSONP or htmlfile request without a valid
 * callback, an {@code xhr_send} or {@code jsonp_send} whose body is not a JSON array of strings (or
 * has the wrong content type), a send to a session that does not exist or was closed, a WebSocket path requested
 * without the upgrade or with an incomplete handshake. The stock SockJS client never sends any of these, so its traffic passes
 * through untouched; a broken client learns what it did wrong, and no input gets a 500.
 */
final class SockJsGuard implements Handler<RoutingContext> {

  /** What vertx-web accepts as a callback name (it refuses any other character). */
  private static final Pattern CALLBACK = Pattern.compile("[a-zA-Z0-9_.-]+");
  private static final String FORM = "application/x-www-form-urlencoded";

  private final LocalSessions sessions;

  SockJsGuard(LocalSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext rc) {
    SockJsPath path = SockJsPath.of(rc.normalizedPath());
    String transport = path == null ? null : path.transport();
    HttpMethod method = rc.request().method();
    String problem;
    if (rc.normalizedPath().equals(SockJsTransport.PATH + "/websocket") || "websocket".equals(transport)) {
      problem = webSocket(rc);
    } else if (transport == null) {
      problem = null;
    } else if (method == HttpMethod.GET && (transport.equals("jsonp") || transport.startsWith("htmlfile"))) {
      problem = callback(rc);
    } else if (path.sends(method)) {
      problem = send(rc, path.session(), transport.equals("jsonp_send"));
    } else {
      problem = null;
    }
    if (problem == null) {
      rc.next();
    }
  }

  /** @return non-null if the request was refused */
  private static String webSocket(RoutingContext rc) {
    if (rc.request().method() != HttpMethod.GET) {
      return refuse(rc, ErrorCode.METHOD_NOT_ALLOWED, "a WebSocket is opened with GET");
    }
    String handshakeProblem = WebSocketHandshake.problem(rc.request());
    return handshakeProblem == null ? null : refuse(rc, ErrorCode.BAD_REQUEST, handshakeProblem);
  }

  private static String callback(RoutingContext rc) {
    String callback = rc.request().getParam("callback");
    if (callback == null) {
      callback = rc.request().getParam("c");
    }
    if (callback == null || !CALLBACK.matcher(callback).matches()) {
      return refuse(rc, ErrorCode.BAD_REQUEST, "a 'c' callback parameter of letters, digits and _ . - is required");
    }
    return null;
  }

  private String send(RoutingContext rc, String session, boolean jsonp) {
    if (!sessions.contains(session)) {
      return refuse(rc, ErrorCode.NOT_FOUND, "no such SockJS session");
    }
    if (!sessions.open(session)) {
      return refuse(rc, ErrorCode.NOT_FOUND, "the SockJS session is closed");
    }
    String body = rc.body().asString();
    if (body == null) {
      body = "";
    }
    if (jsonp) {
      String type = rc.request().getHeader("content-type");
      boolean form = FORM.equalsIgnoreCase(type);
      if (!form && !"text/plain".equalsIgnoreCase(type)) {
        return refuse(rc, ErrorCode.BAD_REQUEST, "jsonp_send takes " + FORM + " or text/plain");
      }
      if (form) {
        if (body.length() <= 2 || !body.startsWith("d=")) {
          return refuse(rc, ErrorCode.BAD_JSON, "the form needs a 'd' field with the messages");
        }
        try {
          body = RFC3986.decodeURIComponent(body.substring(2), true);
        } catch (RuntimeException e) {
          return refuse(rc, ErrorCode.BAD_JSON, "the 'd' field is not valid percent-encoding");
        }
      }
    }
    if (!messageArray(body)) {
      return refuse(rc, ErrorCode.BAD_JSON, "the body must be a JSON array of message strings");
    }
    return null;
  }

  private static boolean messageArray(String body) {
    try {
      return Json.decodeValue(body) instanceof JsonArray array && array.stream().allMatch(String.class::isInstance);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String refuse(RoutingContext rc, ErrorCode code, String message) {
    HttpErrors.send(rc, code, message);
    return message;
  }
}
