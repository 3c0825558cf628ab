package io.herald.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two packaged {@code herald.jar} processes with {@code --cluster} and nothing else but their ports,
 * on the shipped cluster.xml, as the README's cluster section runs them: they find each other, and
 * one stopped with SIGTERM drains its clients, exits 0 and leaves the other's view. The cluster name
 * alone is made unique (Hazelcast's {@code HZ_CLUSTERNAME} override) so that other Herald clusters
 * on the same machine, tests of other checkouts included, cannot join it.
 */
@Timeout(90)
class ClusterJarIT {

  private static final Pattern SERVING = Pattern.compile("serving on 127\\.0\\.0\\.1:(\\d+)");
  private static final Path JAR = Path.of("target", "herald.jar");

  private final String clusterName = "herald-it-" + UUID.randomUUID();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Node> nodes = new ArrayList<>();

  /** A running node process, everything it printed, and the thread that reads its output to the end. */
  private record Node(Process process, int port, List<String> output, Thread reader) {}

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Node node : nodes) {
      if (node.process.isAlive()) {
        node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void twoNodesClusterAndOneStoppedWithSigtermDrainsExitsZeroAndLeaves() throws Exception {
    Node survivor = start();
    Node leaving = start();
    JsonObject view = clusterUntil(survivor, v -> v.getJsonArray("members").size() == 2);
    List<String> addresses = view.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("http")).sorted().toList();
    assertEquals(List.of("127.0.0.1:" + survivor.port, "127.0.0.1:" + leaving.port).stream().sorted().toList(), addresses);

    // Development mode: each node signs its own tokens, so clients of a node get theirs from it.
    String token = send(leaving, "/dev/token?sub=alice").body();
    BlockingQueue<String> sseLines = new LinkedBlockingQueue<>();
    http.sendAsync(HttpRequest.newBuilder(uri(leaving, "/sse?address=public.ticker&access_token=" + token)).build(),
            HttpResponse.BodyHandlers.ofLines())
        .thenAccept(response -> readLines(response.body(), sseLines));
    awaitLine(sseLines, "event: connected");
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    List<String> frames = new CopyOnWriteArrayList<>();
    http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + leaving.port + "/ws?access_token=" + token), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        frames.add(data.toString());
        socket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
        closeCode.complete(status);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);

    long start = System.nanoTime();
    sigterm(leaving);
    assertEquals(1012, closeCode.get(15, TimeUnit.SECONDS), () -> "frames: " + frames);
    assertTrue(frames.stream().anyMatch(f -> f.contains("\"code\":\"shutdown\"")), () -> "frames: " + frames);
    awaitLine(sseLines, "event: shutdown");
    assertTrue(leaving.process.waitFor(15, TimeUnit.SECONDS), "the node did not stop within its shutdown timeout");
    assertEquals(0, leaving.process.exitValue(), () -> "output: " + String.join("\n", leaving.output));
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "longer than the default shutdown-timeout");
    leaving.reader.join(5_000);
    // The log survives the JVM's own shutdown: the drain says what it did.
    assertTrue(leaving.output.stream().anyMatch(l -> l.contains("draining: telling 2 clients to reconnect elsewhere")),
        () -> "output: " + String.join("\n", leaving.output));

    JsonObject after = clusterUntil(survivor, v -> v.getJsonArray("members").size() == 1);
    assertEquals("127.0.0.1:" + survivor.port, after.getJsonArray("members").getJsonObject(0).getString("http"));

    sigterm(survivor);
    assertTrue(survivor.process.waitFor(15, TimeUnit.SECONDS));
    assertEquals(0, survivor.process.exitValue());
  }

  /**
   * SIGTERM through the process handle: {@code Process.destroy()} sends the same signal but also
   * closes our end of the process's output at once, losing what the node logs while it stops.
   */
  private static void sigterm(Node node) {
    assertTrue(node.process.toHandle().destroy(), "SIGTERM could not be sent");
  }

  private Node start() throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package)");
    ProcessBuilder builder = new ProcessBuilder(java(), "-jar", JAR.toString(), "--cluster", "--http-port", "0")
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("HERALD_") || k.startsWith("HZ_"));
    builder.environment().put("HZ_CLUSTERNAME", clusterName);
    Process process = builder.start();
    List<String> output = new CopyOnWriteArrayList<>();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        in.lines().forEach(line -> {
          output.add(line);
          lines.add(line);
        });
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      Matcher m = line == null ? null : SERVING.matcher(line);
      if (m != null && m.find()) {
        Node node = new Node(process, Integer.parseInt(m.group(1)), output, reader);
        nodes.add(node);
        return node;
      }
    }
    process.destroyForcibly();
    throw new AssertionError("no 'serving on' line; output was: " + output);
  }

  private JsonObject clusterUntil(Node node, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonObject view = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> reply = send(node, "/api/cluster");
      assertEquals(200, reply.statusCode(), reply.body());
      view = new JsonObject(reply.body());
      if (condition.test(view)) {
        return view;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the cluster view never matched; last: " + view);
  }

  private HttpResponse<String> send(Node node, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(node, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(Node node, String path) {
    return URI.create("http://127.0.0.1:" + node.port + path);
  }

  private static void readLines(Stream<String> body, BlockingQueue<String> into) {
    Thread reader = new Thread(() -> body.forEach(into::add));
    reader.setDaemon(true);
    reader.start();
  }

  private static void awaitLine(BlockingQueue<String> lines, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (expected.equals(line)) {
        return;
      }
    }
    throw new AssertionError("never saw '" + expected + "'");
  }

  private static String java() {
    String home = System.getProperty("java.home");
    assertNotNull(home);
    return Path.of(home, "bin", "java").toString();
  }
}
