package io.herald.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code target/herald.jar} the way the README does and uses it as a newcomer
 * would: the page, the ticker over SSE, a publish, and a clean stop on SIGTERM.
 */
@Timeout(90)
class HeraldJarIT {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Path JAR = Path.of("target", "herald.jar");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private Process node;

  @AfterEach
  void stop() throws InterruptedException {
    if (node != null && node.isAlive()) {
      node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void runsServesAndStopsCleanly() throws Exception {
    int port = start("--http-port", "0");

    HttpResponse<String> page = http.send(get(port, "/"), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("public.ticker"));

    HttpResponse<String> health = http.send(get(port, "/health"), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());

    HttpResponse<String> refused = http.send(get(port, "/sse?address=public.ticker"), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, refused.statusCode(), "without a token nothing is served");

    // Development mode (no key configured): the README's token step.
    HttpResponse<String> token = http.send(get(port, "/dev/token?sub=alice&roles=publisher"), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, token.statusCode(), token.body());
    String bearer = "Bearer " + token.body();

    HttpResponse<Stream<String>> sse = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/sse?address=public.ticker&address=public.notes")).header("Authorization", bearer).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals("text/event-stream; charset=utf-8", sse.headers().firstValue("content-type").orElse(""));
    try (Stream<String> lines = sse.body()) {
      var iterator = lines.iterator();
      awaitLine(iterator, "event: connected");
      HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/publish"))
          .header("Authorization", bearer)
          .POST(HttpRequest.BodyPublishers.ofString("{\"address\":\"public.notes\",\"type\":\"note\",\"data\":{\"text\":\"hi\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, published.statusCode(), published.body());
      awaitLine(iterator, "event: note");
      String data = iterator.next();
      assertTrue(data.startsWith("data: {") && data.contains("\"text\":\"hi\""), data);
      awaitLine(iterator, "event: message");
      assertTrue(iterator.next().contains("\"address\":\"public.ticker\""));
    }

    node.destroy();
    assertTrue(node.waitFor(20, TimeUnit.SECONDS), "node did not stop on SIGTERM");
  }

  @Test
  void aMistypedSettingFailsTheStartNamingIt() throws Exception {
    Process bad = new ProcessBuilder(java(), "-jar", JAR.toString(), "--http-prot", "1").redirectErrorStream(true).start();
    String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, bad.exitValue());
    assertTrue(text.contains("unknown option --http-prot"), text);
  }

  @Test
  void developmentModeRefusesToServeOtherInterfaces() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(java(), "-jar", JAR.toString(), "--http-host", "0.0.0.0", "--http-port", "0")
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
    Process bad = builder.start();
    String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, bad.exitValue(), text);
    assertTrue(text.contains("development mode (no JWT key configured) binds to loopback only"), text);
  }

  /**
   * SIGTERM while the node is still starting (here: reading its rules file, a named pipe the test
   * holds) stops it as it stops a node that serves, within the shutdown timeout and with status 0,
   * rather than killing it half started, a member of its cluster that never says goodbye.
   */
  @Test
  void aNodeToldToStopWhileStartingStopsCleanly(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.json");
    assertEquals(0, new ProcessBuilder("mkfifo", rules.toString()).start().waitFor());
    launch("--http-port", "0", "--ticker", "false", "--rules", rules.toString());
    // Opening the pipe for writing waits for the node to open it for reading: the node is starting.
    try (var writer = Files.newBufferedWriter(rules)) {
      // SIGTERM through the handle: Process.destroy would also close the node's output, which tells
      // whether the signal was taken before the start goes on.
      node.toHandle().destroy();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (node.isAlive() && seen.stream().noneMatch(l -> l.contains("shutting down")) && System.nanoTime() < deadline) {
        String line = output.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
        }
      }
      writer.write("{\"rules\":[{\"address\":\"public.**\",\"subscribe\":true}]}");
    } catch (IOException e) {
      // the node is gone, and the pipe with it
    }
    assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node did not stop on SIGTERM");
    output.drainTo(seen);
    assertEquals(0, node.exitValue(), () -> String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(l -> l.contains("stopped in")), () -> String.join("\n", seen));
  }

  private int start(String... args) throws IOException, InterruptedException {
    launch(args);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = output.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
    }
    throw new AssertionError("no 'listening on' line; output was: " + seen);
  }

  private void launch(String... args) throws IOException {
    assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package)");
    List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
    node = builder.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        lines.lines().forEach(output::add);
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  private static void awaitLine(java.util.Iterator<String> lines, String expected) {
    for (int i = 0; i < 1000 && lines.hasNext(); i++) {
      if (lines.next().equals(expected)) {
        return;
      }
    }
    throw new AssertionError("never saw '" + expected + "'");
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
  }

  private static String java() {
    String home = System.getProperty("java.home");
    assertNotNull(home);
    return Path.of(home, "bin", "java").toString();
  }
}
