package io.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The servers under test, each started pinned to core 0. */
final class Servers {

  static final String SECRET = "herald-bench-secret-0123456789abcdef";
  static final int HERALD_PORT = 18080;
  static final int NCHAN_PORT = 18090;
  static final String HEARTBEAT = "5s";
  /**
   * JVM flags Herald runs with: one core, so the serial collector; a heap with room for 18 000
   * connections; the native heap trimmed every 5 s, as the deployment files do (docs/OPERATIONS.md).
   */
  static final List<String> HERALD_JVM = List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx4g", "-XX:TrimNativeHeapInterval=5000",
      "-XX:+ExitOnOutOfMemoryError");
  static final String NCHAN_MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so";

  private Servers() {
  }

  /** A running server: the process to stop and the one whose CPU and memory are measured. */
  record Running(String name, Process process, long measuredPid, int port, boolean herald) {
    void stop() throws InterruptedException {
      Procs.stop(process);
    }
  }

  /**
   * Extra Herald JVM flags for an experiment (a profiler, GC logging, another collector), from
   * {@code BENCH_HERALD_JVM}; the report names them, since they change what the run measures.
   */
  static String experimentFlags() {
    String flags = System.getenv("BENCH_HERALD_JVM");
    return flags == null ? "" : flags.trim();
  }

  /**
   * A nice value for Herald's JIT compiler threads, from {@code BENCH_HERALD_JIT_NICE}: on a node's
   * one core a C2 compilation of 16-94 ms takes the core from the event loop, and the events of
   * those milliseconds are the p99 (W4, profiled run 20261124-085024). At nice 19 the compilers run
   * in the time the event loop leaves. W4 sets it after its warm-up, as an operator would with
   * {@code renice} once a node has warmed: set at the start, it starved the JIT through the
   * warm-up (run 20261124-095723). The report names it.
   */
  static String jitNice() {
    String nice = System.getenv("BENCH_HERALD_JIT_NICE");
    return nice == null ? "" : nice.trim();
  }

  /** The C1 and C2 compiler threads of {@code pid} (their names in /proc), reniced. */
  static void reniceCompilers(long pid, String nice) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("renice", "-n", nice, "-p"));
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String name = Files.readString(task.resolve("comm")).trim();
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          cmd.add(task.getFileName().toString());
        }
      }
    }
    if (cmd.size() == 4) {
      throw new IllegalStateException("no JIT compiler thread found in process " + pid);
    }
    Process renice = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(renice.getInputStream().readAllBytes());
    if (renice.waitFor() != 0) {
      throw new IllegalStateException("renice failed: " + out);
    }
  }

  /** @param cpus the cores it may run on, as taskset takes them ("0", or "0,1" to share the generator's too) */
  static Running herald(Path repo, Path work, List<String> extraJvm, String cpus) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus, "java"));
    cmd.addAll(HERALD_JVM);
    // Its GC log in the work folder, one per process: a young collection stops the event loop, and
    // W4's one-core sweeps that ended early could not be told from the machine's noise without it.
    cmd.add("-Xlog:gc:file=" + work.resolve("herald-gc-%p.log") + ":time");
    cmd.addAll(extraJvm);
    String experiment = experimentFlags();
    if (!experiment.isEmpty()) {
      cmd.addAll(List.of(experiment.split("\\s+")));
    }
    cmd.addAll(List.of("-jar", repo.resolve("verticles/target/herald.jar").toString(),
        "--http-port", Integer.toString(HERALD_PORT), "--ticker", "false", "--access-log", "false",
        "--heartbeat-interval", HEARTBEAT));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("herald.log").toFile()));
    pb.environment().put("HERALD_JWT_SECRET", SECRET);
    Process p = pb.start();
    Procs.waitForPort(HERALD_PORT, 30_000);
    return new Running("herald", p, p.pid(), HERALD_PORT, true);
  }

  static Running nchan(Path work) throws Exception {
    ensureNchan();
    Path dir = work.resolve("nginx");
    Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(dir.resolve("nginx.conf"), nchanConfig(dir));
    Process p = new ProcessBuilder("taskset", "-c", "0", "nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("nginx.log").toFile()))
        .start();
    Procs.waitForPort(NCHAN_PORT, 30_000);
    long worker = -1;
    for (int i = 0; i < 50 && worker < 0; i++) {
      List<Long> kids = Procs.children(p.pid());
      if (!kids.isEmpty()) {
        worker = kids.get(0);
      } else {
        Thread.sleep(100);
      }
    }
    if (worker < 0) {
      throw new IllegalStateException("nginx started no worker");
    }
    return new Running("nchan", p, worker, NCHAN_PORT, false);
  }

  /** One worker; SSE and WebSocket subscribers at /sub?id=, HTTP publisher at /pub?id=; no stored history to speak of. */
  static String nchanConfig(Path dir) {
    String t = dir.resolve("tmp").toString();
    return """
        load_module %s;
        worker_processes 1;
        worker_rlimit_nofile 20000;
        daemon off;
        master_process on;
        user root;
        pid %s/nginx.pid;
        error_log %s/error.log warn;
        events { worker_connections 20000; multi_accept on; }
        http {
          access_log off;
          client_body_temp_path %s/body; proxy_temp_path %s/proxy; fastcgi_temp_path %s/fcgi;
          uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;
          keepalive_requests 10000000;
          keepalive_timeout 600s;
          nchan_shared_memory_size 128M;
          server {
            listen 127.0.0.1:%d backlog=4096;
            location = /sub {
              nchan_subscriber websocket eventsource;
              nchan_channel_id $arg_id;
              nchan_subscriber_first_message newest;
              nchan_eventsource_ping_interval %s;
              nchan_websocket_ping_interval %s;
              nchan_subscriber_timeout 0;
            }
            location = /pub {
              nchan_publisher http;
              nchan_channel_id $arg_id;
              nchan_message_buffer_length 16;
              nchan_message_timeout 30s;
            }
          }
        }
        """.formatted(NCHAN_MODULE, dir, dir, t, t, t, t, t, NCHAN_PORT, HEARTBEAT, HEARTBEAT);
  }

  /** Installs nginx and Nchan from Debian's packages when the module is missing (the driver runs as root). */
  static void ensureNchan() throws IOException, InterruptedException {
    if (Files.exists(Path.of(NCHAN_MODULE)) && Files.exists(Path.of("/usr/sbin/nginx"))) {
      return;
    }
    System.err.println("installing nginx-light and libnginx-mod-nchan");
    System.err.println(Procs.run(600, "apt-get", "update"));
    System.err.println(Procs.run(900, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
        "nginx-light", "libnginx-mod-nchan"));
    if (!Files.exists(Path.of(NCHAN_MODULE))) {
      throw new IllegalStateException("Nchan is still missing after apt-get install");
    }
  }
}
