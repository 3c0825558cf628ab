package io.herald.verticles.config;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.presence.PresencePolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node's effective configuration, parsed and checked.
 *
 * @param bridge limits and timings of the HTTP verticles' bridges (copied on use; do not mutate)
 * @param jwt token verification; without keys the node runs in development mode
 * @param rules where the address rules come from (a rules file, the config file, or the defaults)
 * @param history which addresses keep history, and how much
 * @param presence which addresses keep presence
 * @param advertisedHost the host other cluster nodes reach this node's HTTP port at
 * @param shutdownTimeout the longest a graceful stop may take, from SIGTERM to exit
 * @param livenessTimeout how long an event loop may go without its heartbeat before {@code /health} fails
 */
public record HeraldConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    BridgeOptions bridge,
    JwtSettings jwt,
    RulesSource rules,
    boolean accessLog,
    boolean jsonLogs,
    String webroot,
    boolean ticker,
    boolean cluster,
    String clusterConfig,
    HistoryPolicy history,
    PresencePolicy presence,
    String advertisedHost,
    Duration shutdownTimeout,
    Duration livenessTimeout) {

  /** The most a stop waits for clients to take their farewell: the rest of the timeout is for leaving the cluster. */
  private static final Duration MAX_DRAIN_GRACE = Duration.ofSeconds(5);

  /**
   * The address other nodes reach this node at, {@code host:port} ({@code [v6]:port} for an IPv6
   * address), or {@code null} when the node is not clustered: only a cluster forwards SockJS requests.
   */
  public String nodeAddress(int port) {
    return cluster ? authority(advertisedHost, port) : null;
  }

  /**
   * Where this node's HTTP port is reached, {@code host:port}: the advertised host (the http-host
   * unless set), as {@code GET /api/cluster} lists it, clustered or not.
   */
  public String httpAddress(int port) {
    return authority(advertisedHost, port);
  }

  /** Where the node's HTTP server binds, {@code host:port} as configured. */
  public String listenAddress() {
    return authority(httpHost, httpPort);
  }

  static String authority(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** No verification key is configured: tokens come from {@code /dev/token}, signed with a random secret. */
  public boolean developmentMode() {
    return !jwt.hasKeys();
  }

  /** How long a stopping node waits for its clients to take their last bytes: half the shutdown timeout, at most 5 s. */
  public Duration drainGrace() {
    Duration half = shutdownTimeout.dividedBy(2);
    return half.compareTo(MAX_DRAIN_GRACE) < 0 ? half : MAX_DRAIN_GRACE;
  }
}
