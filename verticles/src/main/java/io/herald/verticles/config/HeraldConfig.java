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
    HistoryPolicy history) {

  /** No verification key is configured: tokens come from {@code /dev/token}, signed with a random secret. */
  public boolean developmentMode() {
    return !jwt.hasKeys();
  }
}
