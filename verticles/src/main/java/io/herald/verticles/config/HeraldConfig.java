package io.herald.verticles.config;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.history.HistoryPolicy;
import java.nio.file.Path;

/**
 * A node's effective configuration, parsed and checked.
 *
 * @param bridge limits and timings of the HTTP verticles' bridges (copied on use; do not mutate)
 * @param jwt token verification; without keys the node runs in development mode
 * @param rules the address rules file, or {@code null} for the defaults
 * @param history which addresses keep history, and how much
 * @param advertisedHost the host other cluster nodes reach this node's HTTP port at
 */
public record HeraldConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    BridgeOptions bridge,
    JwtSettings jwt,
    Path rules,
    boolean accessLog,
    String webroot,
    boolean ticker,
    boolean cluster,
    String clusterConfig,
    HistoryPolicy history,
    String advertisedHost) {

  /**
   * The address other nodes reach this node at, {@code host:port} ({@code [v6]:port} for an IPv6
   * address), or {@code null} when the node is not clustered: only a cluster forwards SockJS requests.
   */
  public String nodeAddress(int port) {
    return cluster ? authority(advertisedHost, port) : null;
  }

  static String authority(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** No verification key is configured: tokens come from {@code /dev/token}, signed with a random secret. */
  public boolean developmentMode() {
    return !jwt.hasKeys();
  }
}
