package io.herald.verticles.config;

import io.herald.bridge.BridgeOptions;
import java.util.List;

/**
 * A node's effective configuration, parsed and checked.
 *
 * @param bridge limits and timings of the HTTP verticles' bridges (copied on use; do not mutate)
 */
public record HeraldConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    BridgeOptions bridge,
    List<String> allowedAddresses,
    String webroot,
    boolean ticker,
    boolean cluster,
    String clusterConfig) {

  public HeraldConfig {
    allowedAddresses = List.copyOf(allowedAddresses);
  }

  /** The configuration of a node started with no flags and no HERALD_* variables. */
  public static HeraldConfig defaults() {
    return ConfigLoader.load(new String[0], java.util.Map.of());
  }

  public HeraldConfig withHttpPort(int port) {
    return new HeraldConfig(httpHost, port, httpInstances, bridge, allowedAddresses, webroot, ticker, cluster, clusterConfig);
  }
}
