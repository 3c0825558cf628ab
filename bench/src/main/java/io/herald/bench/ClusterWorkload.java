package io.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * W3: three clustered Herald nodes on loopback, SSE subscribers spread evenly over them, a publisher
 * posting to the first node. Measured with and without history:
 * <ul>
 *   <li><b>without</b>: {@code public.w3}, which keeps no history under the default {@code --history};
 *       node 1 publishes on the clustered event bus at once;</li>
 *   <li><b>with</b>: {@code user.w3} (subscribers hold tokens with {@code sub: w3}), under the default
 *       {@code user.**=1000/1h}: node 1 first appends each event to the Hazelcast history map, which
 *       gives it its position (one cluster round trip), then publishes it.</li>
 * </ul>
 * The publisher coalesces ({@link Publisher#COALESCED}): one request on its way at a time, and what
 * came due meanwhile goes in the next. With one event per pipelined request, Herald handles the
 * connection's requests one at a time and on {@code user.w3} each waits for its append, so W3
 * measured the append's round trip under load (134 events/s against 5 547 without history, run
 * {@code 20261123-235714}), not the cluster's fan-out.
 *
 * <p>For each, in every repetition: (a) the highest loss-free rate (W1's search and criterion, except
 * that a failed step is measured once more before it counts: the machine is shared) and its
 * deliveries/s; then (b) latency at a moderate fixed rate, W1's 20 000 deliveries/s, split into
 * subscribers on nodes 2 and 3 (cross-node: the event crossed the cluster's event bus) and on
 * node 1 (same node).
 *
 * <p>The two addresses get one generator process each, both connected for the whole run, and each
 * repetition measures both in turn, so slow drift on the shared machine hits both alike. The whole
 * workload starts no new measurement after {@value #MAX_MINUTES} minutes.
 */
final class ClusterWorkload {

  static final int NODES = 3;
  static final double MODERATE_DELIVERIES_PER_SEC = 20_000;
  static final long MAX_MINUTES = 15;

  /** One address under test. */
  private record Mode(String label, boolean history, String address, String subject) {}

  private static final Mode[] MODES = {
      new Mode("no-history", false, "public.w3", "bench"),
      new Mode("history", true, "user.w3", "w3")};

  private final Driver driver;

  ClusterWorkload(Driver driver) {
    this.driver = driver;
  }

  void run() throws Exception {
    int perNode = driver.quick ? 50 : 300;
    int subscribers = perNode * NODES;
    double moderate = MODERATE_DELIVERIES_PER_SEC / subscribers;
    // As W1's: in a shorter step a single stall of the shared machine would make the p99.
    double moderateSeconds = driver.quick ? 2 : Driver.MODERATE_SECONDS;
    double stepSeconds = driver.quick ? 1.5 : 3;
    long t0 = System.nanoTime();
    long deadline = t0 + MAX_MINUTES * 60_000_000_000L;
    JsonObject w3 = new JsonObject().put("nodes", NODES).put("perNode", perNode).put("subscribers", subscribers)
        .put("transport", "herald-sse").put("moderateRate", moderate).put("moderateSeconds", moderateSeconds)
        .put("stepSeconds", stepSeconds).put("jvm", new JsonArray(HeraldCluster.JVM))
        .put("pinning", "all " + NODES + " nodes on core " + HeraldCluster.PIN + ", generators on core 1")
        .put("loadAverageBefore", Procs.loadAverage());
    JsonArray rows = new JsonArray();
    w3.put("rows", rows);
    driver.results.put("w3", w3);
    Driver.log("W3 " + NODES + " nodes, " + subscribers + " SSE subscribers (" + perNode + " per node), publishing on node 1");
    HeraldCluster cluster = null;
    List<Procs.Generator> generators = new ArrayList<>();
    try {
      cluster = HeraldCluster.start(driver.repo, driver.out.resolve("work"), NODES);
      w3.put("clusterStartSeconds", (System.nanoTime() - t0) / 1e9).put("ports", json(cluster.ports()))
          .put("memberPort", cluster.memberPort).put("clusterName", cluster.name);
      Driver.log("  cluster " + cluster.name + " up in " + Math.round((System.nanoTime() - t0) / 1e9) + " s, members from port " + cluster.memberPort);
      for (Mode mode : MODES) {
        JsonObject row = new JsonObject().put("mode", mode.label()).put("history", mode.history()).put("address", mode.address());
        rows.add(row);
        Procs.Generator gen = driver.generator("w3-" + mode.label());
        generators.add(gen);
        JsonObject answer = gen.send(new JsonObject().put("cmd", "connect").put("kind", "herald-sse")
            .put("ports", json(cluster.ports())).put("publishPort", cluster.ports()[0])
            .put("address", mode.address()).put("sub", mode.subject()).put("n", subscribers).put("sourceBase", 2)
            .put("secret", Servers.SECRET));
        Driver.log("  " + mode.label() + " connected " + answer.encode());
        if (answer.getInteger("ready") < subscribers) {
          throw new IllegalStateException(mode.label() + ": only " + answer.getInteger("ready") + " of " + subscribers + " subscribed");
        }
        // Three JVMs share one core and take longer to compile their hot paths than W1's one.
        JsonObject warm = driver.warmup(gen, moderate * 3, Publisher.COALESCED, driver.quick ? 1 : 5);
        row.put("warmupLastStep", warm);
        Driver.log("  " + mode.label() + " warm-up: lost " + warm.getLong("lost") + ", cross-node p99 " + warm.getDouble("crossP99ms") + " ms");
      }
      measure(rows, generators, cluster, moderate, moderateSeconds, stepSeconds, deadline);
    } catch (Exception e) {
      w3.put("error", String.valueOf(e));
      Driver.log("  W3 failed: " + e);
    } finally {
      for (Procs.Generator gen : generators) {
        gen.close();
      }
      if (cluster != null) {
        cluster.close();
        w3.put("stoppedClean", cluster.clean).put("leftovers", cluster.leftovers)
            .put("nodeExitCodes", new JsonArray(new ArrayList<>(cluster.exitCodes)));
        Driver.log("  cluster stopped (exit codes " + cluster.exitCodes + ")"
            + (cluster.clean ? ", nothing left running" : "; LEFT: " + cluster.leftovers));
      }
      w3.put("minutes", (System.nanoTime() - t0) / 6e10).put("loadAverageAfter", Procs.loadAverage());
      driver.save();
    }
  }

  /** Repetitions; within each, both addresses in turn: the search for the maximum, then the moderate step. */
  private void measure(JsonArray rows, List<Procs.Generator> generators, HeraldCluster cluster, double moderate,
      double moderateSeconds, double stepSeconds, long deadline) throws Exception {
    List<Long> pids = cluster.pids();
    JsonArray[] moderateRuns = {new JsonArray(), new JsonArray()};
    JsonArray[] maxRuns = {new JsonArray(), new JsonArray()};
    // The maximum is some 200 times the moderate rate with or without history (with the coalescing
    // publisher): start the first search higher than W1 does and allow more steps, so that it gets
    // as close as the later ones.
    double[] start = {moderate * 4, moderate * 4};
    for (int r = 0; r < driver.reps && !late(rows, deadline); r++) {
      for (int m = 0; m < MODES.length && !late(rows, deadline); m++) {
        Driver.log("  rep " + (r + 1) + " " + MODES[m].label() + ": highest loss-free rate");
        JsonObject best = driver.search(generators.get(m), pids, start[m], r == 0 ? 2.0 : 1.3, stepSeconds, Publisher.COALESCED,
            driver.quick || r > 0 ? 4 : 8, true);
        maxRuns[m].add(best);
        if (best.getDouble("offeredRate", 0.0) > 0) {
          start[m] = best.getDouble("offeredRate");
        }
      }
      // Latency after the searches: in the first repetitions of earlier runs, measured straight
      // after the warm-up, p99s were 5-20 times those of the later ones (likely the nodes still
      // compiling; not GC, whose log showed no long pause then). A discarded step first lets
      // whatever the last failed step left drain.
      for (int m = 0; m < MODES.length && !late(rows, deadline); m++) {
        Thread.sleep(3000);
        driver.measure(generators.get(m), pids, moderate, 3, Publisher.COALESCED);
        JsonObject step = driver.measure(generators.get(m), pids, moderate, moderateSeconds, Publisher.COALESCED);
        moderateRuns[m].add(step);
        Driver.log(String.format("  rep %d %s at %.1f ev/s: cross-node p50/p99 %.1f/%.1f ms, same-node %.1f/%.1f ms, lost %d",
            r + 1, MODES[m].label(), moderate, step.getDouble("crossP50ms"), step.getDouble("crossP99ms"),
            step.getDouble("sameP50ms"), step.getDouble("sameP99ms"), step.getLong("lost")));
      }
      for (int m = 0; m < MODES.length; m++) {
        rows.getJsonObject(m).put("moderate", Report.medians(moderateRuns[m], Report.W3_METRICS)).put("moderateRuns", moderateRuns[m])
            .put("max", Report.medians(maxRuns[m], Report.W3_METRICS)).put("maxRuns", maxRuns[m]);
      }
      driver.save();
    }
  }

  /** Past the time limit: says so in the log and in the rows. */
  private static boolean late(JsonArray rows, long deadline) {
    if (System.nanoTime() <= deadline) {
      return false;
    }
    Driver.log("  W3 time limit (" + MAX_MINUTES + " min) reached: no further measurement");
    rows.forEach(row -> ((JsonObject) row).put("cutShort", true));
    return true;
  }

  private static JsonArray json(int[] values) {
    JsonArray out = new JsonArray();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }
}
