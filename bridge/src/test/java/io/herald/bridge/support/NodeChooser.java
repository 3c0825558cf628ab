package io.herald.bridge.support;

/**
 * Picks the node (by its loopback port) that each HTTP request of a SockJS session goes to, as a
 * load balancer in front of a cluster would, so a test can send successive requests of one session
 * to different nodes.
 */
@FunctionalInterface
public interface NodeChooser {

  /**
   * @param transport the SockJS request: {@code xhr}, {@code xhr_send} or {@code xhr_streaming}
   * @param n how many requests of that kind the session made before this one
   * @return the port of the node to send it to
   */
  int port(String transport, int n);

  /** Every request to one node, as without a load balancer. */
  static NodeChooser only(int port) {
    return (transport, n) -> port;
  }

  /** The requests of each kind take turns over the nodes in the order given, each kind starting with the first. */
  static NodeChooser alternate(int... ports) {
    return (transport, n) -> ports[n % ports.length];
  }
}
