package io.herald.bridge.transport;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a WebSocket handshake before it is handed to Vert.x. Given one it cannot complete, Vert.x
 * answers {@code 400} with a plain-text body of its own; checked here first, the client gets
 * Herald's JSON error like every other refusal.
 */
public final class WebSocketHandshake {

  /** The versions Netty's server implements besides the long-dead hixie-76. */
  private static final Set<String> VERSIONS = Set.of("13", "8", "7");

  private WebSocketHandshake() {}

  /** @return why the request is not a WebSocket handshake that can be completed, or {@code null} */
  public static String problem(HttpServerRequest request) {
    if (!"websocket".equalsIgnoreCase(request.getHeader("upgrade"))) {
      return "expected a WebSocket upgrade request";
    }
    String connection = request.getHeader("connection");
    boolean upgrade = connection != null && Set.of(connection.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("upgrade");
    if (!upgrade) {
      return "a WebSocket handshake needs 'Connection: Upgrade'";
    }
    String version = request.getHeader("sec-websocket-version");
    String key = request.getHeader("sec-websocket-key");
    if (version == null || !VERSIONS.contains(version.trim()) || key == null || key.isBlank()) {
      return "a WebSocket handshake needs Sec-WebSocket-Version 13 and a Sec-WebSocket-Key";
    }
    return null;
  }
}
