package io.herald.verticles.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for nodes that are told theirs before they start: a node process given {@code --http-port},
 * a node restarted on the port it had.
 *
 * <p>Why not the kernel's pick (a socket bound to port 0): it comes from the ephemeral range, from
 * which every outgoing connection takes its local port too, and between the pick and the node's
 * bind the cluster's members open dozens of connections to one another. In a CI run one of them
 * took the port a node was about to bind ({@code ClusterResilienceIT}: "Address already in use").
 * Below the ephemeral range a port is taken only by a listener.
 */
public final class Ports {

  private static final int LOWEST = 20_000;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private Ports() {}

  /** A port that nothing listened on a moment ago, outside the ephemeral range where it can be. */
  public static int free() {
    int ephemeralLow = ephemeralLow();
    if (ephemeralLow - LOWEST < 1_000) {
      // No room below the range on this machine: the kernel's pick, as before.
      return bound(0);
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = LOWEST + ThreadLocalRandom.current().nextInt(ephemeralLow - LOWEST);
      try {
        return bound(port);
      } catch (UncheckedIOException taken) {
        // Someone listens there: another one.
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + ephemeralLow);
  }

  private static int ephemeralLow() {
    try {
      // By lines: Files.readString read one byte of this sysctl file here (JDK 17).
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // Not Linux, or unreadable: the IANA range's start, which other systems use.
      return 49_152;
    }
  }

  /** Binds on every interface, as a node does, and gives the port back. */
  private static int bound(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
