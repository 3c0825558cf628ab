package io.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Medians over repetitions and the Markdown report. */
final class Report {

  static final String[] STEP_METRICS = {"offeredRate", "achievedRate", "deliveredPerSec", "p50ms", "p99ms", "maxMs",
      "serverCpuPct", "generatorCpuPct", "lost", "serverRssKb",
      "eventFirstP50ms", "eventFirstMaxMs", "eventLastP50ms", "eventLastMaxMs"};
  /** W4's target is a rate at a p99 under this. */
  static final double P99_BOUND_MS = 20.0;
  /** W3 adds latency and losses split by where the subscriber was: on the publishing node or another. */
  static final String[] W3_METRICS = {"offeredRate", "achievedRate", "deliveredPerSec", "p50ms", "p99ms", "maxMs",
      "serverCpuPct", "generatorCpuPct", "lost", "serverRssKb", "crossP50ms", "crossP99ms", "crossMaxMs", "crossLost",
      "crossDelivered", "sameP50ms", "sameP99ms", "sameMaxMs", "sameLost", "sameDelivered", "eventsPerRead", "eventsPerRequest"};

  private Report() {
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** "median (max)" of a per-event pair, "n/a" for a run that did not track events. */
  static String medianAndMax(JsonObject m, String median, String max) {
    double a = number(m, median);
    double b = number(m, max);
    return Double.isNaN(a) ? "n/a" : String.format("%.1f (%.1f)", a, b);
  }

  /** Two decimals, or "n/a" where a server has no such figure (nginx has no heap). */
  static String orNa(double value) {
    return Double.isNaN(value) ? "n/a" : String.format("%.2f", value);
  }

  /** A number of a results file: NaN, which Vert.x writes to JSON as the text "NaN", reads back as NaN. */
  static double number(JsonObject o, String key) {
    return o.getValue(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static JsonObject medians(JsonArray runs) {
    return medians(runs, STEP_METRICS);
  }

  static JsonObject medians(JsonArray runs, String[] keys) {
    JsonObject m = new JsonObject();
    for (String key : keys) {
      List<Double> values = new ArrayList<>();
      for (Object o : runs) {
        JsonObject r = (JsonObject) o;
        if (r.getValue(key) instanceof Number num) {
          values.add(num.doubleValue());
        }
      }
      m.put(key, median(values));
    }
    return m;
  }

  /**
   * The step that ended each W4 sweep: a few stalls put all of a step's slow events into one or two
   * windows of 100 ms, a saturated server spreads them over the step. With the kernel's kdamond CPU
   * in that step, where the machine has DAMON (runs before 20261125 recorded neither).
   */
  static void sweepEnds(StringBuilder md, JsonArray w4) {
    StringBuilder rows = new StringBuilder();
    for (Object o : w4) {
      JsonObject row = (JsonObject) o;
      JsonArray ends = row.getJsonArray("sweepEnds");
      if (ends == null || ends.isEmpty()) {
        continue;
      }
      List<String> each = new ArrayList<>();
      for (Object e : ends) {
        JsonObject end = (JsonObject) e;
        each.add(String.format("%.0f events/s, p99 %.1f ms, server CPU %.0f%%: %s", end.getDouble("offeredRate"), end.getDouble("p99ms"),
            end.getDouble("serverCpuPct"), stalls(end)));
      }
      String server = row.getInteger("cores", 1) == 1 ? row.getString("kind") : row.getString("kind") + " on cores 0-1";
      rows.append(String.format("| %s | %d | %s |%n", server, row.getInteger("batch"), String.join("; ", each)));
    }
    if (rows.length() > 0) {
      md.append("The step that ended each sweep, and when its events over 20 ms came. kdamond is the kernel's DAMON reclaim thread, "
          + "which a PREEMPT_NONE kernel does not preempt; its figure is its CPU per second of the step:\n\n")
          .append("| server | events per request | per sweep |\n|---|---|---|\n").append(rows).append("\n");
    }
  }

  /**
   * A step's stalls as the report and the driver's log give them: "N events over 20 ms in M windows
   * of 100 ms" (or "none over 20 ms"), then kdamond's CPU where the step recorded it.
   */
  static String stalls(JsonObject step) {
    long events = step.getLong("slowEvents", 0L);
    String slow = events == 0 ? String.format("none over %.0f ms", P99_BOUND_MS) : slowEvents(events, step.getInteger("slowWindows"));
    return step.containsKey("kdamondMsPerSec") ? String.format("%s, kdamond %.0f ms/s", slow, step.getDouble("kdamondMsPerSec")) : slow;
  }

  /** "N events over 20 ms in M windows of 100 ms", from a step's {@code slowEvents} and {@code slowWindows}. */
  static String slowEvents(long events, int windows) {
    return String.format("%d events over %.0f ms in %d window%s of 100 ms", events, P99_BOUND_MS, windows, windows == 1 ? "" : "s");
  }

  static JsonObject w2Medians(JsonArray runs, int... sizes) {
    JsonObject m = new JsonObject();
    for (int c : sizes) {
      JsonObject at = new JsonObject();
      for (String key : new String[] {"rssPerConnKb", "rssConnectedPerConnKb", "heapPerConnKb", "idleCpuPct", "generatorCpuPct", "rssKb", "ready"}) {
        List<Double> values = new ArrayList<>();
        for (Object o : runs) {
          JsonObject r = ((JsonObject) o).getJsonObject("C" + c);
          if (r != null && r.getValue(key) instanceof Number num) {
            values.add(num.doubleValue());
          }
        }
        at.put(key, median(values));
      }
      m.put("C" + c, at);
    }
    List<Double> marginal = new ArrayList<>();
    runs.forEach(o -> marginal.add(((JsonObject) o).getDouble("marginalRssPerConnKb", Double.NaN)));
    return m.put("marginalRssPerConnKb", median(marginal));
  }

  static String markdown(JsonObject r) {
    StringBuilder md = new StringBuilder("# Herald vs Nchan benchmark\n\n");
    md.append("Run ").append(r.getString("started")).append(", ").append(r.getInteger("reps")).append(" repetitions per point (medians shown)")
        .append(r.getBoolean("quick", false) ? ", **quick mode (small sizes, not comparable)**" : "")
        .append(String.format(", %.1f minutes. Machine: %s.%n", r.getDouble("minutes", 0.0), r.getString("machine", "").replace("\n", ", ")));
    md.append("Server pinned to core 0 (except a W4 row marked as on cores 0-1), load generator(s) to core 1. Herald JVM: `").append(String.join(" ", r.getJsonArray("heraldJvm").getList()))
        .append(r.containsKey("heraldJvmExperiment") ? "`, **with `" + r.getString("heraldJvmExperiment") + "` (BENCH_HERALD_JVM) for this run**" : "`")
        .append(r.containsKey("heraldJitNice") ? "; **Herald's JIT compiler threads at nice " + r.getString("heraldJitNice") + " after W4's warm-up (BENCH_HERALD_JIT_NICE)**" : "")
        .append("; heartbeats every ").append(r.getString("heartbeat")).append(" on both servers. CPU is % of one core.\n\n");
    JsonArray w1 = r.getJsonArray("w1");
    if (w1 != null) {
      md.append("## W1 fan-out (one address, ~100-byte events)\n\n### Moderate rate: 20 000 deliveries/s\n\n");
      md.append("| S | server/transport | delivered/s | p50 ms | p99 ms | max ms | lost | server CPU | generator CPU | p99 vs Nchan SSE | per event: first delivery, median (max) ms | per event: last delivery, median (max) ms |\n");
      md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Object o : w1) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("moderate");
        if (m == null) {
          md.append(String.format("| %d | %s | error: %s |||||||%n", row.getInteger("S"), row.getString("kind"), row.getString("error")));
          continue;
        }
        Double nchan = nchan(w1, row.getInteger("S"), "moderate", "p99ms");
        md.append(String.format("| %d | %s | %.0f | %.1f | %.1f | %.1f | %.0f | %.0f%% | %.0f%% | %s | %s | %s |%n", row.getInteger("S"), row.getString("kind"),
            m.getDouble("deliveredPerSec"), m.getDouble("p50ms"), m.getDouble("p99ms"), m.getDouble("maxMs"), m.getDouble("lost"),
            m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct"), ratio(m.getDouble("p99ms"), nchan),
            medianAndMax(m, "eventFirstP50ms", "eventFirstMaxMs"), medianAndMax(m, "eventLastP50ms", "eventLastMaxMs")));
      }
      md.append("\n### Highest loss-free rate\n\n");
      md.append("| S | server/transport | events/s published | delivered/s | p50 ms | p99 ms | server CPU | generator CPU | delivered vs Nchan SSE |\n");
      md.append("|---|---|---|---|---|---|---|---|---|\n");
      for (Object o : w1) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("max");
        if (m == null) {
          continue;
        }
        Double nchan = nchan(w1, row.getInteger("S"), "max", "deliveredPerSec");
        md.append(String.format("| %d | %s | %.1f | %.0f | %.1f | %.1f | %.0f%% | %.0f%% | %s |%n", row.getInteger("S"), row.getString("kind"),
            m.getDouble("offeredRate"), m.getDouble("deliveredPerSec"), m.getDouble("p50ms"), m.getDouble("p99ms"),
            m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct"), ratio(m.getDouble("deliveredPerSec"), nchan)));
      }
      md.append("\n");
      pairedRatios(md, w1);
    }
    JsonArray w4 = r.getJsonArray("w4");
    if (w4 != null) {
      md.append("## W4 many addresses (one subscriber per address, publishes round-robin)\n\n");
      md.append("| users | server | events per request | max events/s | p50 ms | p99 ms | server CPU | generator CPU | highest rate with p99 < 20 ms (sweep): events/s | its p50 / p99 ms | server CPU |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Object o : w4) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("max");
        if (m == null) {
          md.append(String.format("| %d | %s | %d | error: %s |||||%n", row.getInteger("users"), row.getString("kind"), row.getInteger("batch"), row.getString("error")));
          continue;
        }
        JsonObject b = row.getJsonObject("bounded");
        String bounded = b == null ? "not run | | " : b.getDouble("offeredRate") == 0 ? "none | | "
            : String.format("%.0f | %.1f / %.1f | %.0f%%", b.getDouble("offeredRate"), b.getDouble("p50ms"), b.getDouble("p99ms"), b.getDouble("serverCpuPct"));
        String server = row.getInteger("cores", 1) == 1 ? row.getString("kind") : row.getString("kind") + " on cores 0-1 (shared with the generator)";
        md.append(String.format("| %d | %s | %d | %.0f | %.1f | %.1f | %.0f%% | %.0f%% | %s |%n", row.getInteger("users"), server,
            row.getInteger("batch"), m.getDouble("offeredRate"), m.getDouble("p50ms"), m.getDouble("p99ms"),
            m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct"), bounded));
      }
      md.append("\n");
      // Runs before 20261124-234837 did not record it; their sweeps stepped in 2 s.
      Double step = w4.isEmpty() ? null : ((JsonObject) w4.getValue(0)).getDouble("sweepStepSeconds");
      if (step != null) {
        md.append(String.format("The latency sweep's steps are %s s long.%n%n", step % 1 == 0 ? String.valueOf(step.intValue()) : step));
      }
      sweepEnds(md, w4);
    }
    JsonArray w2 = r.getJsonArray("w2");
    if (w2 != null) {
      md.append("## W2 idle connections (two generator processes)\n\n");
      md.append("| server/transport | C | connected | RSS per conn KB ((RSS_C-RSS_0)/C, RSS_C after 10 s idle) | the same 2 s after connecting | marginal RSS per conn KB (10k to 18k) | live heap per conn KB | idle server CPU | generators CPU |\n");
      md.append("|---|---|---|---|---|---|---|---|---|\n");
      for (Object o : w2) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("median");
        if (m == null) {
          continue;
        }
        for (Object c : row.getJsonArray("C")) {
          JsonObject at = m.getJsonObject("C" + c);
          md.append(String.format("| %s | %s | %.0f | %.2f | %s | %.2f | %s | %.2f%% | %.1f%% |%n", row.getString("kind"), c, at.getDouble("ready"),
              at.getDouble("rssPerConnKb"), orNa(number(at, "rssConnectedPerConnKb")), m.getDouble("marginalRssPerConnKb"),
              orNa(number(at, "heapPerConnKb")),
              at.getDouble("idleCpuPct"), at.getDouble("generatorCpuPct")));
        }
      }
      md.append("\n");
    }
    JsonObject w3 = r.getJsonObject("w3");
    if (w3 != null) {
      w3(md, w3);
    }
    if (r.containsKey("profile")) {
      md.append("\n## Profile\n\nJFR execution samples of Herald at the W1 max rate: `").append(r.getJsonObject("profile").getString("file")).append("`.\n");
    }
    return md.toString();
  }

  /** W3: moderate-rate latency and the highest loss-free rate, with and without history, then every repetition. */
  private static void w3(StringBuilder md, JsonObject w3) {
    md.append("## W3 cluster (three Herald nodes on loopback, publishes on node 1)\n\n");
    md.append(String.format("%d SSE subscribers, %d on each node, on one address; the publisher posts to node 1. "
            + "Cross-node: subscribers on nodes 2 and 3 (the event crossed the clustered event bus); same-node: node 1. "
            + "With history: `user.w3` (each event appended to the Hazelcast history map before it is published); "
            + "without: `public.w3`. Pinning: %s (three JVMs share one core). Node JVM: `%s`. ",
        w3.getInteger("subscribers", 0), w3.getInteger("perNode", 0), w3.getString("pinning", ""),
        String.join(" ", w3.getJsonArray("jvm", new JsonArray()).getList())));
    md.append(String.format("W3 took %.1f minutes; nodes stopped cleanly: %s. Load average of the shared machine "
            + "(1/5/15 min) before: %s, after: %s.%n%n", w3.getDouble("minutes", 0.0),
        w3.getBoolean("stoppedClean", false) ? "yes" : "**no** (" + w3.getString("leftovers", "") + ")",
        w3.getString("loadAverageBefore", "?"), w3.getString("loadAverageAfter", "?")));
    if (w3.containsKey("error")) {
      md.append("**Error:** ").append(w3.getString("error")).append("\n\n");
    }
    JsonArray rows = w3.getJsonArray("rows", new JsonArray());
    md.append(String.format("### Moderate rate: %.1f events/s (%.0f deliveries/s), %.0f s per repetition%n%n",
        w3.getDouble("moderateRate", 0.0), w3.getDouble("moderateRate", 0.0) * w3.getInteger("subscribers", 0), w3.getDouble("moderateSeconds", 0.0)));
    md.append("| history | cross-node p50 ms | cross-node p99 ms | same-node p50 ms | same-node p99 ms | lost | nodes CPU (sum) | generator CPU |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      JsonObject m = row.getJsonObject("moderate");
      if (m != null) {
        md.append(String.format("| %s | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f%% | %.0f%% |%n", history(row), m.getDouble("crossP50ms"),
            m.getDouble("crossP99ms"), m.getDouble("sameP50ms"), m.getDouble("sameP99ms"), m.getDouble("lost"),
            m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct")));
      }
    }
    md.append(String.format("%n### Highest loss-free rate (%.0f s steps)%n%n", w3.getDouble("stepSeconds", 0.0)));
    md.append("| history | events/s published | delivered/s | cross-node p50 ms | cross-node p99 ms | same-node p50 ms | same-node p99 ms | lost | nodes CPU (sum) | generator CPU | events per subscriber read | events per publish request |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      JsonObject m = row.getJsonObject("max");
      if (m != null) {
        md.append(String.format("| %s | %.1f | %.0f | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f%% | %.0f%% | %.1f | %s |%n", history(row), m.getDouble("offeredRate"),
            m.getDouble("deliveredPerSec"), m.getDouble("crossP50ms"), m.getDouble("crossP99ms"), m.getDouble("sameP50ms"),
            m.getDouble("sameP99ms"), m.getDouble("lost"), m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct"),
            m.getDouble("eventsPerRead"), orNa(number(m, "eventsPerRequest"))));
      }
    }
    md.append("\n### Every repetition\n\n");
    md.append("| history | rep | moderate: cross-node p50 / p99 ms | same-node p50 / p99 ms | lost | max events/s | delivered/s | CPU of nodes 1 / 2 / 3 at max |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      JsonArray a = row.getJsonArray("moderateRuns", new JsonArray());
      JsonArray b = row.getJsonArray("maxRuns", new JsonArray());
      for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
        JsonObject m = i < a.size() ? a.getJsonObject(i) : new JsonObject();
        JsonObject x = i < b.size() ? b.getJsonObject(i) : new JsonObject();
        List<String> cpu = new ArrayList<>();
        x.getJsonArray("serverCpuPctEach", new JsonArray()).forEach(c -> cpu.add(String.format("%.0f%%", ((Number) c).doubleValue())));
        md.append(String.format("| %s | %d | %.1f / %.1f | %.1f / %.1f | %d | %.1f%s | %.0f | %s |%n", history(row), i + 1,
            m.getDouble("crossP50ms", Double.NaN), m.getDouble("crossP99ms", Double.NaN), m.getDouble("sameP50ms", Double.NaN),
            m.getDouble("sameP99ms", Double.NaN), m.getLong("lost", -1L), x.getDouble("offeredRate", Double.NaN),
            x.containsKey("retriedAfter") ? " (2nd try; 1st: " + x.getString("retriedAfter") + ")" : "",
            x.getDouble("deliveredPerSec", Double.NaN), String.join(" / ", cpu)));
      }
    }
    md.append("\n");
  }

  /** W1's WebSocket maximum over SSE's, each repetition's pair measured in turn on one server. */
  private static void pairedRatios(StringBuilder md, JsonArray w1) {
    for (Object o : w1) {
      JsonObject row = (JsonObject) o;
      JsonArray ratios = row.getJsonArray("wsOverSseMaxRatios");
      if (ratios == null || !row.getString("kind").equals(Driver.PAIR[1])) {
        continue;
      }
      List<String> each = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      ratios.forEach(v -> {
        double ratio = v instanceof Number n ? n.doubleValue() : Double.NaN;
        each.add(String.format("%.2f×", ratio));
        values.add(ratio);
      });
      md.append(String.format("S = %d: %s over %s maximum, side by side on one server (repetitions alternate which goes first): %s; median %.2f×.%n%n",
          row.getInteger("S"), Driver.PAIR[1], Driver.PAIR[0], String.join(", ", each), median(values)));
    }
  }

  private static String history(JsonObject row) {
    return (row.getBoolean("history", false) ? "with" : "without") + " (`" + row.getString("address") + "`)";
  }

  private static Double nchan(JsonArray rows, int s, String section, String key) {
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      if (row.getInteger("S") == s && row.getString("kind").equals("nchan-sse") && row.getJsonObject(section) != null) {
        return row.getJsonObject(section).getDouble(key);
      }
    }
    return null;
  }

  private static String ratio(double value, Double reference) {
    return reference == null || reference == 0 || reference.isNaN() ? "" : String.format("%.2f×", value / reference);
  }
}
