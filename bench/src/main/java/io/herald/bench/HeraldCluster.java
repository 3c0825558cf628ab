package io.herald.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Herald nodes in one Hazelcast cluster on loopback (W3), each the packaged jar started with
 * {@code --cluster} as an operator would, all pinned to core 0 (the generators have core 1, as in W1).
 *
 * <p>The nodes run on a copy of the repository's {@code cluster.xml} that differs in two things only:
 * a cluster name of its own and member ports from {@value #FIRST_MEMBER_PORT} up instead of 5701.
 * The cluster tests start members on the shipped configuration on this machine; with it, the bench
 * would join their cluster or take their ports.
 *
 * <p>Stopping has one path, {@link #close()}, which the driver calls on success and failure alike; a
 * shutdown hook calls it too when the driver is stopped by a signal ({@code timeout} in run.sh), and
 * when the driver is killed outright the kernel stops the nodes: each is started under
 * {@code setpriv --pdeathsig KILL}. Afterwards {@link #close()} checks that no process of this
 * cluster (found by its unique configuration path) is left and that its ports are closed.
 */
final class HeraldCluster implements AutoCloseable {

  static final int FIRST_HTTP_PORT = 18081;
  static final int FIRST_MEMBER_PORT = 5901;
  /** Three JVMs share core 0: a smaller heap than W1's (a few hundred connections each). */
  static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx1g", "-XX:TrimNativeHeapInterval=5000",
      "-XX:+ExitOnOutOfMemoryError");
  static final String PIN = "0";
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /** One node: its HTTP port, its process and its log. */
  record Node(int port, Process process, Path log) {}

  final String name;
  final int memberPort;
  final List<Node> nodes = new ArrayList<>();
  private final Path repo;
  private final Path work;
  private final Path config;
  private final Thread hook;
  private boolean closed;
  /** What {@link #close()} found: true when every node exited and released its ports. */
  boolean clean;
  String leftovers = "";
  /** Exit status per node: 143 is SIGTERM honoured (shutdown hooks ran), 137 the SIGKILL fallback. */
  final List<Integer> exitCodes = new ArrayList<>();

  private HeraldCluster(Path repo, Path work, String name, int memberPort) {
    this.repo = repo;
    this.work = work;
    this.name = name;
    this.memberPort = memberPort;
    this.config = work.resolve(name + ".xml").toAbsolutePath();
    this.hook = new Thread(this::closeQuietly, "w3-cluster-stop");
  }

  /** Starts {@code size} nodes (the first alone, so it becomes the master) and waits until all serve as one cluster. */
  static HeraldCluster start(Path repo, Path work, int size) throws Exception {
    for (int i = 0; i < size; i++) {
      if (!free(FIRST_HTTP_PORT + i, false)) {
        throw new IllegalStateException("port " + (FIRST_HTTP_PORT + i) + " is taken; W3 needs " + FIRST_HTTP_PORT + "-" + (FIRST_HTTP_PORT + size - 1));
      }
    }
    String name = "herald-bench-w3-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
    HeraldCluster cluster = new HeraldCluster(repo, work, name, freeRange(FIRST_MEMBER_PORT, size));
    Runtime.getRuntime().addShutdownHook(cluster.hook);
    try {
      cluster.writeConfig(size);
      cluster.startNode(FIRST_HTTP_PORT);
      cluster.awaitListening(cluster.nodes.get(0));
      for (int i = 1; i < size; i++) {
        cluster.startNode(FIRST_HTTP_PORT + i);
      }
      for (Node node : cluster.nodes) {
        cluster.awaitListening(node);
      }
      cluster.awaitMembers(size);
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  int[] ports() {
    return nodes.stream().mapToInt(Node::port).toArray();
  }

  List<Long> pids() {
    return nodes.stream().map(n -> n.process().pid()).toList();
  }

  /** The shipped cluster.xml with this cluster's name and member ports. */
  private void writeConfig(int size) throws IOException {
    String xml = Files.readString(repo.resolve("cluster.xml"));
    StringBuilder members = new StringBuilder();
    for (int i = 0; i < size; i++) {
      members.append("<member>127.0.0.1:").append(memberPort + i).append("</member>");
    }
    xml = replaceOnce(xml, "<cluster-name>[^<]*</cluster-name>", "<cluster-name>" + name + "</cluster-name>");
    xml = replaceOnce(xml, "<port [^>]*>\\d+</port>", "<port auto-increment=\"true\" port-count=\"" + size + "\">" + memberPort + "</port>");
    xml = replaceOnce(xml, "<member>127\\.0\\.0\\.1</member>", members.toString());
    Files.writeString(config, xml);
  }

  private static String replaceOnce(String text, String regex, String replacement) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("cluster.xml changed: no match for " + regex + "; update HeraldCluster.writeConfig");
    }
    return text.substring(0, m.start()) + replacement + text.substring(m.end());
  }

  private void startNode(int port) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", PIN));
    if (Files.isExecutable(SETPRIV)) {
      cmd.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL"));
    }
    cmd.add("java");
    cmd.addAll(JVM);
    cmd.addAll(List.of("-jar", repo.resolve("verticles/target/herald.jar").toString(),
        "--http-port", Integer.toString(port), "--ticker", "false", "--access-log", "false",
        "--heartbeat-interval", Servers.HEARTBEAT, "--cluster", "--cluster-config", config.toString()));
    Path log = work.resolve("w3-node-" + port + ".log");
    Files.writeString(log, "");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Herald refuses unknown HERALD_* variables, and an inherited HERALD_HISTORY would change the workload.
    pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
    pb.environment().put("HERALD_JWT_SECRET", Servers.SECRET);
    nodes.add(new Node(port, pb.start(), log));
  }

  /** A node logs "listening on" once it has joined the cluster and serves HTTP. */
  private void awaitListening(Node node) throws Exception {
    awaitLog(node, "listening on 127.0.0.1:" + node.port(), 180);
  }

  /** The first node lists the members on every join; the last join shows them all. */
  private void awaitMembers(int size) throws Exception {
    awaitLog(nodes.get(0), "Members {size:" + size + ",", 60);
  }

  private static void awaitLog(Node node, String text, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String log = Files.readString(node.log(), StandardCharsets.UTF_8);
      if (log.contains(text)) {
        return;
      }
      if (!node.process().isAlive()) {
        throw new IllegalStateException("node " + node.port() + " exited (" + node.process().exitValue() + "): " + tail(log));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("node " + node.port() + ": no '" + text + "' after " + seconds + " s; see " + node.log());
  }

  private static String tail(String log) {
    return log.length() <= 2000 ? log : log.substring(log.length() - 2000);
  }

  /**
   * Stops every node (SIGTERM to all, then SIGKILL to any still there after 30 s) and checks that
   * nothing of the cluster is left. Idempotent.
   */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
    nodes.forEach(n -> n.process().destroy());
    for (Node n : nodes) {
      if (!n.process().waitFor(30, TimeUnit.SECONDS)) {
        n.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      exitCodes.add(n.process().isAlive() ? null : n.process().exitValue());
    }
    List<String> left = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      left.clear();
      for (long pid : Procs.withArgument(config.toString())) {
        left.add("pid " + pid);
      }
      for (Node n : nodes) {
        if (!free(n.port(), false)) {
          left.add("http port " + n.port());
        }
      }
      for (int i = 0; i < nodes.size(); i++) {
        if (!free(memberPort + i, false)) {
          left.add("member port " + (memberPort + i));
        }
      }
      if (!left.isEmpty()) {
        Thread.sleep(250);
      }
    } while (!left.isEmpty() && System.nanoTime() < deadline);
    // A process of this cluster still running is one of ours (its command line names this run's
    // configuration file): end it by its pid.
    for (long pid : Procs.withArgument(config.toString())) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    clean = left.isEmpty();
    leftovers = String.join(", ", left);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Nothing listens on the port; {@code strict}: not even a closed connection lingers on it (Hazelcast
   * binds its member port without SO_REUSEADDR, so a port in TIME_WAIT would push a node past the
   * member list).
   */
  private static boolean free(int port, boolean strict) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(!strict);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first of {@code size} consecutive free ports from {@code from}. */
  private static int freeRange(int from, int size) {
    for (int base = from; base < from + 100; base += size) {
      boolean all = true;
      for (int i = 0; i < size && all; i++) {
        all = free(base + i, true);
      }
      if (all) {
        return base;
      }
    }
    throw new IllegalStateException("no " + size + " free ports from " + from);
  }
}
