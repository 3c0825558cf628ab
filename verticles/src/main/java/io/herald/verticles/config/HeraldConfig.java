package io.herald.verticles.config;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.auth.JwtSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node's effective configuration, parsed and checked.
 *
 * @param bridge limits and timings of the HTTP verticles' bridges (copied on use; do not mutate)
 * @param jwt token verification; without keys the node runs in development mode
 * @param rules the address rules file, or {@code null} for the defaults
 * @param shutdownTimeout the longest a graceful stop may take, from SIGTERM to exit
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
    Duration shutdownTimeout) {

  /** The most a stop waits for clients to take their farewell: the rest of the timeout is for leaving the cluster. */
  private static final Duration MAX_DRAIN_GRACE = Duration.ofSeconds(5);

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
