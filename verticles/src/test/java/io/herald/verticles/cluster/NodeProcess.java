package io.herald.verticles.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Herald node as its own process, started from the packaged jar as an operator would, on a
 * fixed HTTP port so that it can be restarted on the same one.
 */
final class NodeProcess {

  private static final Path JAR = Path.of("target", "herald.jar");

  final int port;
  private final Map<String, String> env;
  private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
  private final List<String> log = new ArrayList<>();
  private Process process;

  NodeProcess(int port, Map<String, String> env) {
    this.port = port;
    this.env = env;
  }

  /** Starts the process; {@link #awaitListening} waits for it to serve. */
  NodeProcess start() throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("build the jar first (mvn package)");
    }
    output.clear();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        // Members look for each other on every port of cluster.xml's range, not only its first
        // three: other clusters on this machine (other checkouts' tests) may hold those.
        "-Dhazelcast.tcp.join.port.try.count=20",
        "-jar", JAR.toString(), "--http-port", Integer.toString(port)).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
    builder.environment().putAll(env);
    process = builder.start();
    Process mine = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(mine.getInputStream(), StandardCharsets.UTF_8))) {
        lines.lines().forEach(output::add);
      } catch (IOException e) {
        // the process ended
      }
    }, "node-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
    return this;
  }

  /** Waits for the node's "listening on" line: it has joined the cluster and serves HTTP. */
  void awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      String line = output.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        synchronized (log) {
          log.add(line);
        }
        if (line.contains("listening on 127.0.0.1:" + port)) {
          return;
        }
      }
      if (!process.isAlive() && output.isEmpty()) {
        break;
      }
    }
    throw new AssertionError("node on port " + port + " did not start; output: " + log);
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster, sockets dropped by the kernel. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }

  /** SIGTERM, and waits for the process to exit. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("node on port " + port + " did not stop on SIGTERM");
    }
    return process.exitValue();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }
}
