package io.herald.bridge.transport.sockjs;

import io.vertx.core.http.HttpMethod;

/**
 * A SockJS request path below {@link SockJsTransport#PATH}: {@code /<server>/<session>/<transport>}
 * for the requests of one session, with SockJS's own rule for the ids (neither empty nor holding a
 * dot); anything else ({@code /info}, {@code /websocket}, the iframe page) has no session.
 */
record SockJsPath(String server, String session, String transport) {

  /** The session path in a request's normalized path, or {@code null} when it is not one. */
  static SockJsPath of(String normalizedPath) {
    if (!normalizedPath.startsWith(SockJsTransport.PATH + "/")) {
      return null;
    }
    String[] parts = normalizedPath.substring(SockJsTransport.PATH.length()).split("/", -1);
    if (parts.length != 4 || !parts[0].isEmpty() || !validId(parts[1]) || !validId(parts[2])) {
      return null;
    }
    return new SockJsPath(parts[1], parts[2], parts[3]);
  }

  private static boolean validId(String id) {
    return !id.isEmpty() && id.indexOf('.') < 0;
  }

  /**
   * Whether SockJS answers this request from its session, creating the session when it has none:
   * the receiving side of xhr-polling, xhr-streaming, eventsource, htmlfile and jsonp.
   */
  boolean receives(HttpMethod method) {
    return switch (transport) {
      case "xhr", "xhr_streaming" -> method == HttpMethod.POST;
      case "eventsource", "htmlfile", "jsonp" -> method == HttpMethod.GET;
      default -> false;
    };
  }

  /** Whether this request hands messages to an existing session ({@code xhr_send}, {@code jsonp_send}). */
  boolean sends(HttpMethod method) {
    return method == HttpMethod.POST && (transport.equals("xhr_send") || transport.equals("jsonp_send"));
  }
}
