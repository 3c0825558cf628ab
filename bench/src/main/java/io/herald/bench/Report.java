package io.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Medians over repetitions and the Markdown report. */
final class Report {

  static final String[] STEP_METRICS = {"offeredRate", "achievedRate", "deliveredPerSec", "p50ms", "p99ms", "maxMs",
      "serverCpuPct", "generatorCpuPct", "lost", "serverRssKb"};

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

  static JsonObject medians(JsonArray runs) {
    JsonObject m = new JsonObject();
    for (String key : STEP_METRICS) {
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

  static JsonObject w2Medians(JsonArray runs, int... sizes) {
    JsonObject m = new JsonObject();
    for (int c : sizes) {
      JsonObject at = new JsonObject();
      for (String key : new String[] {"rssPerConnKb", "heapPerConnKb", "idleCpuPct", "generatorCpuPct", "rssKb", "ready"}) {
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
    md.append("Server pinned to core 0, load generator(s) to core 1. Herald JVM: `").append(String.join(" ", r.getJsonArray("heraldJvm").getList()))
        .append("`; heartbeats every ").append(r.getString("heartbeat")).append(" on both servers. CPU is % of one core.\n\n");
    JsonArray w1 = r.getJsonArray("w1");
    if (w1 != null) {
      md.append("## W1 fan-out (one address, ~100-byte events)\n\n### Moderate rate: 20 000 deliveries/s\n\n");
      md.append("| S | server/transport | delivered/s | p50 ms | p99 ms | max ms | lost | server CPU | generator CPU | p99 vs Nchan SSE |\n");
      md.append("|---|---|---|---|---|---|---|---|---|---|\n");
      for (Object o : w1) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("moderate");
        if (m == null) {
          md.append(String.format("| %d | %s | error: %s |||||||%n", row.getInteger("S"), row.getString("kind"), row.getString("error")));
          continue;
        }
        Double nchan = nchan(w1, row.getInteger("S"), "moderate", "p99ms");
        md.append(String.format("| %d | %s | %.0f | %.1f | %.1f | %.1f | %.0f | %.0f%% | %.0f%% | %s |%n", row.getInteger("S"), row.getString("kind"),
            m.getDouble("deliveredPerSec"), m.getDouble("p50ms"), m.getDouble("p99ms"), m.getDouble("maxMs"), m.getDouble("lost"),
            m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct"), ratio(m.getDouble("p99ms"), nchan)));
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
    }
    JsonArray w4 = r.getJsonArray("w4");
    if (w4 != null) {
      md.append("## W4 many addresses (one subscriber per address, publishes round-robin)\n\n");
      md.append("| users | server | events per request | max events/s | p50 ms | p99 ms | server CPU | generator CPU |\n|---|---|---|---|---|---|---|---|\n");
      for (Object o : w4) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("max");
        if (m == null) {
          md.append(String.format("| %d | %s | %d | error: %s |||||%n", row.getInteger("users"), row.getString("kind"), row.getInteger("batch"), row.getString("error")));
          continue;
        }
        md.append(String.format("| %d | %s | %d | %.0f | %.1f | %.1f | %.0f%% | %.0f%% |%n", row.getInteger("users"), row.getString("kind"),
            row.getInteger("batch"), m.getDouble("offeredRate"), m.getDouble("p50ms"), m.getDouble("p99ms"),
            m.getDouble("serverCpuPct"), m.getDouble("generatorCpuPct")));
      }
      md.append("\n");
    }
    JsonArray w2 = r.getJsonArray("w2");
    if (w2 != null) {
      md.append("## W2 idle connections (two generator processes)\n\n");
      md.append("| server/transport | C | connected | RSS per conn KB ((RSS_C-RSS_0)/C) | marginal RSS per conn KB (10k to 18k) | live heap per conn KB | idle server CPU | generators CPU |\n");
      md.append("|---|---|---|---|---|---|---|---|\n");
      for (Object o : w2) {
        JsonObject row = (JsonObject) o;
        JsonObject m = row.getJsonObject("median");
        if (m == null) {
          continue;
        }
        for (Object c : row.getJsonArray("C")) {
          JsonObject at = m.getJsonObject("C" + c);
          md.append(String.format("| %s | %s | %.0f | %.2f | %.2f | %s | %.2f%% | %.1f%% |%n", row.getString("kind"), c, at.getDouble("ready"),
              at.getDouble("rssPerConnKb"), m.getDouble("marginalRssPerConnKb"),
              at.getDouble("heapPerConnKb").isNaN() ? "n/a" : String.format("%.2f", at.getDouble("heapPerConnKb")),
              at.getDouble("idleCpuPct"), at.getDouble("generatorCpuPct")));
        }
      }
      md.append("\n");
    }
    md.append("## W3 cluster\n\nNot run: it needs clustering with history across nodes, which Herald does not have yet.\n");
    if (r.containsKey("profile")) {
      md.append("\n## Profile\n\nJFR execution samples of Herald at the W1 max rate: `").append(r.getJsonObject("profile").getString("file")).append("`.\n");
    }
    return md.toString();
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
