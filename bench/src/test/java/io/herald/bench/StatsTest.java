package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The windows of 100 ms that held events over W4's bound: a stall is told from a saturated server by them. */
class StatsTest {

  @Test
  void eventsOverTheBoundAreCountedInTheWindowOfTheirRead() {
    Stats stats = new Stats();
    stats.recording = true;
    stats.reset();
    read(stats, 50, 1, 1);
    read(stats, 250, 3, 30);
    read(stats, 260, 1, 45);
    read(stats, 1_230, 1, 25);
    JsonObject slow = stats.slowWindows();
    assertEquals(5L, slow.getLong("slowEvents"));
    assertEquals(2, slow.getInteger("slowWindows"));
    assertEquals(new JsonArray().add("200: 4, 45").add("1200: 1, 25"), slow.getJsonArray("slowWindowList"));
    assertEquals(6, stats.latency.getTotalCount());
    stats.reset();
    assertEquals(0L, stats.slowWindows().getLong("slowEvents"));
  }

  @Test
  void nothingIsCountedWhileNotRecording() {
    Stats stats = new Stats();
    stats.reset();
    read(stats, 250, 2, 30);
    assertEquals(0L, stats.slowWindows().getLong("slowEvents"));
  }

  /** A read {@code atMs} after recording began, carrying {@code events} sent {@code lateMs} before it. */
  private static void read(Stats stats, long atMs, int events, long lateMs) {
    stats.readAt(stats.recordingSince + atMs * 1_000_000);
    for (int i = 0; i < events; i++) {
      stats.event(i, stats.readNanos - lateMs * 1_000_000, 0);
    }
  }
}
