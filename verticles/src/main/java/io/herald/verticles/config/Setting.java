package io.herald.verticles.config;

import java.util.Locale;

/**
 * Every setting a node takes, each as a flag ({@code --http-port 8081}) and an environment variable
 * ({@code HERALD_HTTP_PORT=8081}); a flag wins over the environment, which wins over the default.
 * {@code --help} and the README's table are this list.
 */
public enum Setting {
  CONFIG("config", "", "JSON or YAML file of settings, keyed by these names; the environment and flags override it."),
  HTTP_HOST("http-host", "127.0.0.1", "Interface the HTTP server binds to."),
  HTTP_PORT("http-port", "8080", "HTTP port; 0 takes a free port, logged as 'listening on <host>:<port>'."),
  HTTP_INSTANCES("http-instances", String.valueOf(Runtime.getRuntime().availableProcessors()),
      "HTTP verticle instances (event loops serving clients); defaults to the number of available processors."),
  MAX_FRAME_SIZE("max-frame-size", "64KiB", "Largest WebSocket or SockJS frame a client may send."),
  MAX_BODY_SIZE("max-body-size", "1MiB", "Largest HTTP request body (publish API, SockJS sends)."),
  QUEUE_SIZE("queue-size", "1024", "Frames a connection may have waiting when its socket is full; past it the client is closed as slow."),
  MAX_SUBSCRIPTIONS("max-subscriptions", "64", "Addresses one connection may subscribe to."),
  HEARTBEAT_INTERVAL("heartbeat-interval", "15s", "SSE comment heartbeats (on streams quiet for the interval), WebSocket pings and SockJS heartbeats."),
  IDLE_TIMEOUT("idle-timeout", "60s", "A WebSocket or SockJS client silent for this long is closed."),
  REPLY_TIMEOUT("reply-timeout", "10s", "Longest wait for a service's reply to a client's send."),
  JWT_SECRET("jwt-secret", "", "HS256 secret (at least 32 bytes) that verifies client tokens. Prefer the environment variable."),
  JWT_PUBLIC_KEYS("jwt-public-keys", "", "Comma-separated PEM public key files: RSA keys verify RS256, EC P-256 keys ES256."),
  JWT_JWKS("jwt-jwks", "", "JSON Web Key Set file whose keys verify tokens (each key must state its alg)."),
  JWT_ISSUER("jwt-issuer", "", "When set, tokens must carry this iss."),
  JWT_AUDIENCE("jwt-audience", "", "Comma-separated; when set, a token's aud must hold one of them."),
  JWT_LEEWAY("jwt-leeway", "5s", "Clock skew tolerated on exp, nbf and iat: whole seconds, at most 24h."),
  RULES("rules", "", "Address rules file (docs/SECURITY.md); empty for the defaults. Reloaded when it changes."),
  ACCESS_LOG("access-log", "true", "Log one line per HTTP request, with access_token values redacted."),
  LOG_FORMAT("log-format", "text", "text (one line per record) or json (one JSON object per line, for log shippers)."),
  WEBROOT("webroot", "webroot", "Directory of the browser pages; when absent, the pages packed in the jar are served."),
  TICKER("ticker", "true", "Run the demo ticker that publishes to public.ticker every second."),
  CLUSTER("cluster", "false", "Join a Hazelcast cluster (configured by cluster-config) instead of running standalone."),
  CLUSTER_CONFIG("cluster-config", "cluster.xml", "Hazelcast configuration file; when the default is absent, the copy packed in the jar is used (a file named otherwise must exist)."),
  HISTORY("history", "user.**=1000/1h,group.**=1000/1h",
      "Addresses that keep history for resume, as pattern=size/age entries separated by commas; empty for none."),
  PRESENCE("presence", "",
      "Addresses that keep presence (who is subscribed, join and leave events), as patterns separated by commas, e.g. room.**,group.**; empty for none."),
  ADVERTISED_HOST("advertised-host", "", "In a cluster, the host or address at which the other nodes reach this node's HTTP port (they forward SockJS requests for the sessions held here); empty for the http-host."),
  TRANSPORTS("transports", "websocket,sse,sockjs",
      "Transports served, comma-separated; one left out is refused (without websocket, every WebSocket upgrade is, and SockJS clients take its HTTP fallbacks)."),
  SHUTDOWN_TIMEOUT("shutdown-timeout", "10s", "Longest a graceful stop (SIGTERM) may take; up to half of it (at most 5s) waits for clients to take their last bytes."),
  LIVENESS_TIMEOUT("liveness-timeout", "10s", "GET /health fails once an HTTP verticle's event loop has not run its once-a-second heartbeat for this long (at least 2s).");

  private final String key;
  private final String defaultValue;
  private final String description;

  Setting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String flag() {
    return "--" + key;
  }

  public String env() {
    return "HERALD_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** A value never shown: not in --print-config, not in an error message. */
  public boolean isSecret() {
    return this == JWT_SECRET;
  }

  /** Boolean settings may be given as a bare flag ({@code --cluster}). */
  public boolean isSwitch() {
    return "true".equals(defaultValue) || "false".equals(defaultValue);
  }

  public static Setting byKey(String key) {
    for (Setting setting : values()) {
      if (setting.key.equals(key)) {
        return setting;
      }
    }
    return null;
  }
}
