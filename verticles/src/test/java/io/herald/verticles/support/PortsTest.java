package io.herald.verticles.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void aFreePortIsBelowTheEphemeralRangeAndCanBeBound() throws Exception {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    assumeTrue(Files.isReadable(range), "not Linux: no ephemeral range to stay below");
    int ephemeralLow = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    assumeTrue(ephemeralLow > 21_000, "this machine's ephemeral range starts too low to stay below");
    for (int i = 0; i < 20; i++) {
      int port = Ports.free();
      assertTrue(port >= 20_000 && port < ephemeralLow, port + " is not below " + ephemeralLow);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(port));
      }
    }
  }
}
