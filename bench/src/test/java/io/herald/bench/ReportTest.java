package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The Markdown of a run: W1's side-by-side ratio of WebSocket's maximum over SSE's; the profile. */
class ReportTest {

  @Test
  void theSideBySideRatiosOfW1AreListedWithTheirMedian() {
    JsonArray ratios = new JsonArray().add(0.9).add(1.25).add(1.05);
    JsonArray w1 = new JsonArray()
        .add(row(1000, "herald-sse", 100_000).put("wsOverSseMaxRatios", ratios))
        .add(row(1000, "herald-ws", 105_000).put("wsOverSseMaxRatios", ratios))
        .add(row(1000, "nchan-sse", 50_000));
    String md = Report.markdown(run(w1));
    assertTrue(md.contains("S = 1000: herald-ws over herald-sse maximum, side by side on one server"), md);
    assertTrue(md.contains(": 0.90×, 1.25×, 1.05×; median 1.05×."), md);
  }

  @Test
  void aRunWithoutThePairListsNoRatio() {
    String md = Report.markdown(run(new JsonArray().add(row(1000, "herald-sse", 100_000))));
    assertFalse(md.contains("side by side on one server"), md);
  }

  @Test
  void theProfileIsNamedByItsFile() {
    String md = Report.markdown(run(new JsonArray()).put("profile", new JsonObject().put("file", "profile-w1-herald-sse.txt")));
    assertTrue(md.contains("JFR execution samples of Herald at the W1 max rate: `profile-w1-herald-sse.txt`."), md);
  }

  @Test
  void extraHeraldFlagsOfAnExperimentAreNamedOnlyWhenGiven() {
    String plain = Report.markdown(run(new JsonArray()));
    assertFalse(plain.contains("BENCH_HERALD_JVM"), plain);
    String md = Report.markdown(run(new JsonArray()).put("heraldJvmExperiment", "-agentpath:/tmp/libasyncProfiler.so=start"));
    assertTrue(md.contains("with `-agentpath:/tmp/libasyncProfiler.so=start` (BENCH_HERALD_JVM) for this run"), md);
    assertFalse(plain.contains("BENCH_HERALD_JIT_NICE"), plain);
    String reniced = Report.markdown(run(new JsonArray()).put("heraldJitNice", "19"));
    assertTrue(reniced.contains("Herald's JIT compiler threads at nice 19 after W4's warm-up (BENCH_HERALD_JIT_NICE)"), reniced);
  }

  @Test
  void theLatencySweepsStepLengthIsNamedWhenTheRunRecordedIt() {
    JsonObject step = new JsonObject().put("offeredRate", 5000.0).put("p50ms", 1.0).put("p99ms", 9.0)
        .put("serverCpuPct", 30.0).put("generatorCpuPct", 20.0);
    JsonObject w4 = new JsonObject().put("users", 10_000).put("kind", "herald-sse").put("batch", 1).put("max", step).put("bounded", step);
    String recorded = Report.markdown(run(new JsonArray()).put("w4", new JsonArray().add(w4.copy().put("sweepStepSeconds", 5.0))));
    assertTrue(recorded.contains("The latency sweep's steps are 5 s long."), recorded);
    String older = Report.markdown(run(new JsonArray()).put("w4", new JsonArray().add(w4)));
    assertFalse(older.contains("The latency sweep's steps are"), older);
  }

  @Test
  void theStepThatEndedEachSweepIsListedWithWhenItsSlowEventsCame() {
    JsonObject step = new JsonObject().put("offeredRate", 5000.0).put("p50ms", 1.0).put("p99ms", 9.0)
        .put("serverCpuPct", 30.0).put("generatorCpuPct", 20.0);
    JsonObject stalled = step.copy().put("offeredRate", 7500.0).put("p99ms", 27.5).put("slowEvents", 150L).put("slowWindows", 2)
        .put("kdamondMsPerSec", 48.0);
    JsonObject saturated = step.copy().put("offeredRate", 40000.0).put("p99ms", 120.0).put("serverCpuPct", 98.0)
        .put("slowEvents", 90000L).put("slowWindows", 50);
    JsonObject w4 = new JsonObject().put("users", 10_000).put("kind", "herald-sse").put("batch", 50).put("max", step).put("bounded", step)
        .put("sweepEnds", new JsonArray().add(stalled).add(saturated));
    String md = Report.markdown(run(new JsonArray()).put("w4", new JsonArray().add(w4)));
    assertTrue(md.contains("| herald-sse | 50 | 7500 events/s, p99 27.5 ms, server CPU 30%: 150 events over 20 ms in 2 windows of 100 ms, kdamond 48 ms/s; "
        + "40000 events/s, p99 120.0 ms, server CPU 98%: 90000 events over 20 ms in 50 windows of 100 ms |"), md);
    String older = Report.markdown(run(new JsonArray()).put("w4", new JsonArray().add(w4.copy().put("sweepEnds", new JsonArray()))));
    assertFalse(older.contains("The step that ended each sweep"), older);
  }

  @Test
  void oneWindowIsNamedInTheSingular() {
    assertTrue(Report.slowEvents(40, 1).equals("40 events over 20 ms in 1 window of 100 ms"), Report.slowEvents(40, 1));
    assertTrue(Report.slowEvents(40, 3).equals("40 events over 20 ms in 3 windows of 100 ms"), Report.slowEvents(40, 3));
  }

  private static JsonObject run(JsonArray w1) {
    return new JsonObject().put("started", "test").put("reps", 3).put("machine", "test")
        .put("heraldJvm", new JsonArray()).put("heartbeat", "5s").put("w1", w1);
  }

  private static JsonObject row(int s, String kind, double delivered) {
    JsonObject step = new JsonObject().put("offeredRate", delivered / s).put("deliveredPerSec", delivered).put("p50ms", 1.0)
        .put("p99ms", 2.0).put("maxMs", 3.0).put("lost", 0.0).put("serverCpuPct", 90.0).put("generatorCpuPct", 90.0);
    return new JsonObject().put("S", s).put("kind", kind).put("moderate", step).put("max", step);
  }
}
