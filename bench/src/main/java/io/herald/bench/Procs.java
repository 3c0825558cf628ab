package io.herald.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Processes the driver starts and what it reads about them from /proc. */
final class Procs {

  static final long CLOCK_TICKS = 100;

  private Procs() {
  }

  /** utime + stime of a process, in clock ticks. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException e) {
      return 0;
    }
  }

  /** VmRSS in KiB. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // gone
    }
    return 0;
  }

  static List<Long> children(long pid) {
    List<Long> out = new ArrayList<>();
    try {
      String text = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).trim();
      for (String s : text.split("\\s+")) {
        if (!s.isEmpty()) {
          out.add(Long.parseLong(s));
        }
      }
    } catch (IOException e) {
      // none
    }
    return out;
  }

  /** The 1, 5 and 15 minute load averages: how busy the shared machine was around a measurement. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "";
    }
  }

  /** Processes whose command line has {@code argument} as one of its arguments, exactly. */
  static List<Long> withArgument(String argument) {
    List<Long> out = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
          if (List.of(cmdline.split("\0")).contains(argument)) {
            out.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to report
    }
    return out;
  }

  static void waitForPort(int port, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + timeoutMs + " ms");
  }

  /** Runs a command to completion (bounded) and returns its output. */
  static String run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** A load-generator process on core 1, driven over stdin/stdout. */
  static final class Generator implements AutoCloseable {
    final Process process;
    private final Writer in;
    private final BufferedReader out;

    Generator(Path jar, Path log, long maxSeconds) throws IOException {
      // Its GC log beside its log: a generator's pause delays the reading of every socket, and shows
      // as latency of whichever server is measured.
      String gcLog = log.toString().replaceFirst("\\.log$", "") + "-gc.log";
      process = new ProcessBuilder("taskset", "-c", "1", "java", "-XX:+UseSerialGC", "-Xms512m", "-Xmx3g",
          "-Xlog:gc:file=" + gcLog + ":time", "-cp", jar.toString(), LoadGenerator.class.getName(), "--max-seconds", Long.toString(maxSeconds))
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    long pid() {
      return process.pid();
    }

    JsonObject send(JsonObject cmd) throws IOException {
      in.write(cmd.encode() + "\n");
      in.flush();
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("@@ ")) {
          JsonObject answer = new JsonObject(line.substring(3));
          if (answer.containsKey("error")) {
            throw new IOException("generator: " + answer.getString("error"));
          }
          return answer;
        }
      }
      throw new IOException("generator exited (code " + (process.isAlive() ? "?" : process.exitValue()) + ")");
    }

    @Override
    public void close() throws Exception {
      try {
        in.write("{\"cmd\":\"quit\"}\n");
        in.flush();
      } catch (IOException e) {
        // already gone
      }
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        stop(process);
      }
    }
  }
}
