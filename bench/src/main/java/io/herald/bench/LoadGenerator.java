package io.herald.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load generator: subscribers and a publisher in one process (so the send timestamps and the
 * receive clock are the same {@code System.nanoTime()}), on one event loop, driven by JSON commands.
 *
 * <p>As a process it reads one command per line on stdin and answers each with one line
 * {@code @@ <json>} on stdout:
 * <ul>
 *   <li>{@code {"cmd":"connect","kind":"herald-sse","port":8080,"n":1000,"perUser":false,"sourceBase":2,"secret":"…"}}
 *       opens {@code n} more subscribers and answers once they are subscribed (or the timeout passed).
 *       For a cluster (W3), {@code "ports":[8081,8082,8083]} spreads the subscribers over the nodes
 *       round-robin, {@code "publishPort"} names the node the publisher uses (default: the first),
 *       {@code "address":"user.w3"} a Herald address to use as is and {@code "sub"} the subscribers'
 *       token subject (default {@code bench});</li>
 *   <li>{@code {"cmd":"publish","rate":100,"seconds":3,"batch":1,"drainMs":2000}} publishes {@code rate}
 *       events per second and answers with delivered, lost, out-of-order, disconnects and latency
 *       ({@code lost}: not delivered by the end of the wait after the step, {@code drainMs};
 *       {@code skipped}: those of them a later event of their address passed, which may still
 *       come, then out of order);</li>
 *   <li>{@code {"cmd":"warmPublish","rate":5000,"seconds":6}} opens one subscriber on an address of its
 *       own, publishes to it at {@code rate} for the server's JIT, closes it and answers with
 *       requests, errors and what that subscriber received;</li>
 *   <li>{@code {"cmd":"stats"}}, {@code {"cmd":"close"}}, {@code {"cmd":"quit"}}.</li>
 * </ul>
 * The process exits by itself after {@code --max-seconds} (default 3600) or when stdin closes.
 */
public final class LoadGenerator {

  /** The warm-up subscriber's loopback source address, 127.0.0.250: clear of every measured set's. */
  private static final int WARM_SOURCE = 250;

  private final Vertx vertx;
  private final Stats stats = new Stats();
  private Subscribers subscribers;
  private Publisher publisher;
  private Publisher warmPublisher;
  private Subscribers warmListener;
  private Tokens tokens;
  private String host = "127.0.0.1";
  private int publishPort;

  public LoadGenerator(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Handles one command; call on the generator's event loop. */
  public Future<JsonObject> handle(JsonObject cmd) {
    try {
      return switch (cmd.getString("cmd")) {
        case "connect" -> connect(cmd);
        case "publish" -> publish(cmd);
        case "warmPublish" -> warmPublish(cmd);
        case "stats" -> Future.succeededFuture(statsJson());
        case "close" -> {
          close();
          yield Future.succeededFuture(new JsonObject().put("closed", true));
        }
        default -> Future.failedFuture("unknown command " + cmd.getString("cmd"));
      };
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  public void close() {
    if (subscribers != null) {
      subscribers.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (warmPublisher != null) {
      warmPublisher.close();
    }
    if (warmListener != null) {
      warmListener.close();
    }
  }

  private Future<JsonObject> connect(JsonObject cmd) {
    long start = System.nanoTime();
    if (subscribers == null) {
      Kind kind = Kind.of(cmd.getString("kind"));
      host = cmd.getString("host", host);
      JsonArray list = cmd.containsKey("ports") ? cmd.getJsonArray("ports") : new JsonArray().add(cmd.getInteger("port"));
      int[] ports = list.stream().mapToInt(p -> ((Number) p).intValue()).toArray();
      publishPort = cmd.getInteger("publishPort", ports[0]);
      if (kind.herald) {
        tokens = new Tokens(vertx, cmd.getString("secret"));
      }
      AddressBook book;
      if (cmd.getBoolean("perUser", false)) {
        book = AddressBook.perUser(kind.herald, cmd.getInteger("n"));
      } else if (cmd.containsKey("address")) {
        book = AddressBook.address(cmd.getString("address"));
      } else {
        book = AddressBook.single(kind.herald, cmd.getString("name", "bench"));
      }
      subscribers = new Subscribers(vertx, kind, book, host, ports, cmd.getInteger("sourceBase", 2), tokens,
          cmd.getString("sub", "bench"), stats);
    }
    long timeoutMs = cmd.getLong("readyTimeoutMs", 120_000L);
    return subscribers.add(cmd.getInteger("n"))
        .compose(v -> waitReady(subscribers, timeoutMs))
        .map(v -> statsJson().put("ms", (System.nanoTime() - start) / 1_000_000));
  }

  private Future<Void> waitReady(Subscribers set, long timeoutMs) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    vertx.setPeriodic(20, t -> {
      if (set.ready >= set.subs.size() || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        promise.complete();
      }
    });
    return promise.future();
  }

  private JsonObject statsJson() {
    JsonObject json = new JsonObject().put("delivered", stats.delivered).put("disconnects", stats.disconnects);
    if (subscribers != null) {
      json.put("subscribers", subscribers.subs.size()).put("ready", subscribers.ready)
          .put("connectFailures", subscribers.connectFailures);
    }
    return json;
  }

  /**
   * Publishes to an address of its own ({@code public.warm}, Nchan channel {@code warm}) with one
   * subscriber of the same transport on it, opened for the warm-up and closed after: enough events
   * for the server's JIT to compile its whole per-event path, the request and the fan-out to a
   * subscriber alike. W1's moderate rate sends 2 to 20 events a second, and a JVM server still
   * compiling that path on its one core stalls the loop for milliseconds (see the driver's
   * {@code warmPublishPath}), while the per-subscriber part of the fan-out is long warm.
   */
  private Future<JsonObject> warmPublish(JsonObject cmd) {
    if (subscribers == null) {
      return Future.failedFuture("connect first");
    }
    boolean herald = subscribers.kind.herald;
    AddressBook warm = AddressBook.single(herald, "warm");
    warmListener = new Subscribers(vertx, subscribers.kind, warm, host, subscribers.ports, WARM_SOURCE, tokens, "bench", new Stats());
    warmPublisher = new Publisher(vertx, herald, warm, host, publishPort, tokens == null ? null : tokens.publisher());
    Subscribers listener = warmListener;
    Publisher publisher = warmPublisher;
    return listener.add(1)
        .compose(v -> waitReady(listener, 10_000))
        .compose(v -> listener.ready == 1 ? publisher.run(cmd.getDouble("rate"), cmd.getDouble("seconds"), 1)
            : Future.failedFuture("the warm-up subscriber did not subscribe"))
        .map(run -> new JsonObject().put("requests", run.requests).put("errors", run.errors).put("firstError", run.firstError)
            .put("delivered", listener.stats.delivered))
        .eventually(() -> {
          listener.close();
          publisher.close();
          return Future.succeededFuture();
        });
  }

  private Future<JsonObject> publish(JsonObject cmd) {
    if (subscribers == null) {
      return Future.failedFuture("connect first");
    }
    if (publisher == null) {
      publisher = new Publisher(vertx, subscribers.kind.herald, subscribers.book, host, publishPort,
          tokens == null ? null : tokens.publisher());
    }
    double rate = cmd.getDouble("rate");
    double seconds = cmd.getDouble("seconds");
    int batch = cmd.getInteger("batch", 1);
    long drainMs = cmd.getLong("drainMs", 2000L);
    stats.perEvent = cmd.getBoolean("perEvent", false);
    AddressBook book = subscribers.book;
    return waitReady(subscribers, 10_000).compose(v -> {
      long[] startSeq = book.nextSeq.clone();
      for (Subscribers.Sub sub : subscribers.subs) {
        sub.received = 0;
        sub.gaps = 0;
        sub.outOfOrder = 0;
      }
      long disconnects0 = stats.disconnects;
      int readyAtStart = subscribers.ready;
      stats.reset();
      stats.lastEventNanos = 0;
      stats.recording = true;
      return publisher.run(rate, seconds, batch)
          .compose(run -> drain(drainMs).map(run))
          .map(run -> {
            stats.recording = false;
            return result(run, startSeq, disconnects0, readyAtStart, rate, seconds, batch);
          });
    });
  }

  private Future<Void> drain(long drainMs) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + drainMs * 1_000_000;
    vertx.setPeriodic(10, t -> {
      if (caughtUp() || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        promise.complete();
      }
    });
    return promise.future();
  }

  private boolean caughtUp() {
    long[] seq = subscribers.book.nextSeq;
    for (Subscribers.Sub sub : subscribers.subs) {
      if (sub.next >= 0 && sub.next < seq[sub.address]) {
        return false;
      }
    }
    return true;
  }

  private JsonObject result(Publisher.Run run, long[] startSeq, long disconnects0, int readyAtStart, double rate, double seconds, int batch) {
    long[] seq = subscribers.book.nextSeq;
    long expected = 0;
    long delivered = 0;
    long lost = 0;
    long skipped = 0;
    long outOfOrder = 0;
    int nodes = subscribers.ports.length;
    long[] nodeSubs = new long[nodes];
    long[] nodeDelivered = new long[nodes];
    long[] nodeLost = new long[nodes];
    for (Subscribers.Sub sub : subscribers.subs) {
      long due = seq[sub.address] - startSeq[sub.address];
      expected += due;
      delivered += sub.received;
      outOfOrder += sub.outOfOrder;
      long missing = sub.next < 0 ? due : sub.gaps + Math.max(0, seq[sub.address] - sub.next);
      lost += Math.min(due, missing);
      skipped += Math.min(due, sub.gaps);
      nodeSubs[sub.node]++;
      nodeDelivered[sub.node] += sub.received;
      nodeLost[sub.node] += Math.min(due, missing);
      if (sub.next >= 0) {
        sub.next = Math.max(sub.next, seq[sub.address]);
      }
    }
    long end = Math.max(stats.lastEventNanos, run.lastSendNanos);
    double span = Math.max(1, end - run.startNanos) / 1e9;
    double sendSpan = Math.max(1, run.lastSendNanos - run.startNanos) / 1e9;
    var h = stats.latency;
    JsonObject json = new JsonObject()
        .put("offeredRate", rate).put("batch", batch)
        .put("achievedRate", run.events / Math.max(sendSpan, seconds))
        .put("events", run.events).put("requests", run.requests)
        .put("eventsPerRequest", run.requests == 0 ? 0.0 : run.events / (double) run.requests).put("publishErrors", run.errors)
        .put("firstError", run.firstError)
        .put("subscribers", subscribers.subs.size()).put("readyAtStart", readyAtStart)
        .put("expected", expected).put("delivered", delivered).put("lost", lost).put("skipped", skipped).put("outOfOrder", outOfOrder)
        .put("disconnects", stats.disconnects - disconnects0)
        .put("deliveredPerSec", delivered / span)
        .put("eventsPerRead", stats.reads == 0 ? 0.0 : delivered / (double) stats.reads)
        .put("spanMs", span * 1000)
        .put("latencyCount", h.getTotalCount())
        .put("p50ms", h.getValueAtPercentile(50) / 1000.0)
        .put("p99ms", h.getValueAtPercentile(99) / 1000.0)
        .put("maxMs", h.getMaxValue() / 1000.0)
        .mergeIn(stats.slowWindows())
        // The wall clock at the recording's start, to place the slow windows in a trace taken beside the run.
        .put("recordingStartedAtMs", System.currentTimeMillis() - (System.nanoTime() - stats.recordingSince) / 1_000_000);
    if (nodes > 1) {
      byNode(json, nodeSubs, nodeDelivered, nodeLost);
    }
    if (stats.perEvent && !stats.firstLast.isEmpty()) {
      Histogram first = Stats.histogram();
      Histogram last = Stats.histogram();
      for (long[] range : stats.firstLast.values()) {
        first.recordValue(range[0]);
        last.recordValue(range[1]);
      }
      json.put("eventsTracked", first.getTotalCount())
          .put("eventFirstP50ms", first.getValueAtPercentile(50) / 1000.0).put("eventFirstMaxMs", first.getMaxValue() / 1000.0)
          .put("eventLastP50ms", last.getValueAtPercentile(50) / 1000.0).put("eventLastMaxMs", last.getMaxValue() / 1000.0);
    }
    return json;
  }

  /**
   * Per node, and split into "same" (subscribers on the node the publisher posts to) and "cross"
   * (every other node: the event crossed the cluster's event bus).
   */
  private void byNode(JsonObject json, long[] subs, long[] delivered, long[] lost) {
    Histogram same = Stats.histogram();
    Histogram cross = Stats.histogram();
    long sameDelivered = 0;
    long crossDelivered = 0;
    long sameLost = 0;
    long crossLost = 0;
    JsonArray nodes = new JsonArray();
    for (int i = 0; i < subscribers.ports.length; i++) {
      Histogram h = stats.byNode[i];
      boolean local = subscribers.ports[i] == publishPort;
      (local ? same : cross).add(h);
      if (local) {
        sameDelivered += delivered[i];
        sameLost += lost[i];
      } else {
        crossDelivered += delivered[i];
        crossLost += lost[i];
      }
      nodes.add(new JsonObject().put("port", subscribers.ports[i]).put("publishes", local).put("subscribers", subs[i])
          .put("delivered", delivered[i]).put("lost", lost[i])
          .put("p50ms", h.getValueAtPercentile(50) / 1000.0).put("p99ms", h.getValueAtPercentile(99) / 1000.0)
          .put("maxMs", h.getMaxValue() / 1000.0));
    }
    json.put("nodes", nodes)
        .put("sameDelivered", sameDelivered).put("sameLost", sameLost)
        .put("sameP50ms", same.getValueAtPercentile(50) / 1000.0).put("sameP99ms", same.getValueAtPercentile(99) / 1000.0)
        .put("sameMaxMs", same.getMaxValue() / 1000.0)
        .put("crossDelivered", crossDelivered).put("crossLost", crossLost)
        .put("crossP50ms", cross.getValueAtPercentile(50) / 1000.0).put("crossP99ms", cross.getValueAtPercentile(99) / 1000.0)
        .put("crossMaxMs", cross.getMaxValue() / 1000.0);
  }

  public static void main(String[] args) throws Exception {
    long maxSeconds = 3600;
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--max-seconds")) {
        maxSeconds = Long.parseLong(args[i + 1]);
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1).setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
    Context context = vertx.getOrCreateContext();
    LoadGenerator generator = new LoadGenerator(vertx);
    Thread watchdog = new Thread(() -> {
      System.err.println("load generator: time limit reached, exiting");
      Runtime.getRuntime().halt(3);
    });
    vertx.setTimer(maxSeconds * 1000, t -> watchdog.start());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject cmd = new JsonObject(line);
      if ("quit".equals(cmd.getString("cmd"))) {
        break;
      }
      CompletableFuture<JsonObject> answer = new CompletableFuture<>();
      context.runOnContext(v -> generator.handle(cmd).onComplete(ar -> {
        if (ar.succeeded()) {
          answer.complete(ar.result());
        } else {
          answer.complete(new JsonObject().put("error", String.valueOf(ar.cause())));
        }
      }));
      System.out.println("@@ " + answer.get(30, TimeUnit.MINUTES).encode());
      System.out.flush();
    }
    context.runOnContext(v -> generator.close());
    vertx.close().await();
    System.exit(0);
  }
}
