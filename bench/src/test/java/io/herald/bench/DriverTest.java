package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** When a search step counts as sustained: the pace rule and its allowance for one fan-out. */
class DriverTest {

  @Test
  void aStepWhoseLastDeliveryCameOneFanOutLateKeptPace() {
    // 2 s step, everything delivered, the last event 400 ms after the step: too late on its own...
    assertTrue(Driver.shortfall(step(2400, 0), 2).startsWith("deliveries lagged"));
    // ...but not when one fan-out at the moderate rate took 250 ms on the same server.
    assertNull(Driver.shortfall(step(2400, 250), 2));
    // The allowance covers one fan-out, not a backlog: a second late, it still lagged.
    assertTrue(Driver.shortfall(step(3400, 250), 2).startsWith("deliveries lagged"));
    // Early or on time is never worse for it.
    assertNull(Driver.shortfall(step(2000, 250), 2));
  }

  @Test
  void theAllowanceIsTheModerateStepsMedianFanOutNotItsSlowest() {
    JsonObject moderate = new JsonObject().put("eventLastP50ms", 104.0).put("eventLastMaxMs", 160.0);
    assertEquals(104.0, Driver.lagAllowance(moderate));
    // A step that delivered nothing has no fan-out to allow for.
    assertEquals(0.0, Driver.lagAllowance(new JsonObject().put("eventLastP50ms", Double.NaN)));
    assertEquals(0.0, Driver.lagAllowance(new JsonObject()));
  }

  @Test
  void theSideBySidePairTakesAnEvenNumberOfRepetitionsSoEachGoesFirstAsOften() {
    assertEquals(4, Driver.pairReps(3));
    assertEquals(2, Driver.pairReps(1));
    assertEquals(4, Driver.pairReps(4));
  }

  @Test
  void lossComesBeforePace() {
    assertEquals("lost 3 (1 skipped, 2 not yet delivered at the end of the wait), 0 out of order, 0 disconnects",
        Driver.shortfall(step(2000, 0).put("lost", 3L).put("skipped", 1L), 2));
    assertTrue(Driver.shortfall(step(2000, 0).put("disconnects", 1L), 2).endsWith("1 disconnects"));
  }

  private static JsonObject step(double spanMs, double allowanceMs) {
    return new JsonObject().put("lost", 0L).put("outOfOrder", 0L).put("disconnects", 0L).put("publishErrors", 0L)
        .put("offeredRate", 100.0).put("achievedRate", 100.0).put("expected", 200_000L).put("delivered", 200_000L)
        .put("spanMs", spanMs).put("lagAllowanceMs", allowanceMs);
  }
}
