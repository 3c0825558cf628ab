package io.herald.verticles.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeStateTest {

  @Test
  void drainLeftCountsFromWhenTheNodeBeganDraining() throws InterruptedException {
    NodeState state = new NodeState();
    Duration grace = Duration.ofSeconds(2);
    assertEquals(grace, state.drainLeft(grace), "a node that does not drain has all of it");
    state.draining();
    Thread.sleep(50);
    Duration left = state.drainLeft(grace);
    assertTrue(left.compareTo(grace.minusMillis(50)) <= 0 && left.compareTo(Duration.ZERO) > 0, left::toString);
    state.draining();
    assertTrue(state.drainLeft(grace).compareTo(left) <= 0, "draining again does not restart the clock");
    assertEquals(Duration.ZERO, state.drainLeft(Duration.ofMillis(10)), "never below zero");
  }
}
