package io.herald.verticles.node;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where a node is in its life, and the facts it learns while starting. Written by the node's
 * launcher only and read by every HTTP verticle instance, on their own event loops: hence volatile,
 * and each value is immutable.
 */
public final class NodeState {

  /** A node starts, serves, then drains; it never goes back. */
  public enum Phase { STARTING, SERVING, DRAINING }

  private final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private volatile Phase phase = Phase.STARTING;
  private volatile String httpAddress;
  private volatile long drainingSince;

  public Phase phase() {
    return phase;
  }

  /** When the node began starting. */
  public Instant startedAt() {
    return startedAt;
  }

  /** {@code host:port} clients reach this node on, or {@code null} until it serves. */
  public String httpAddress() {
    return httpAddress;
  }

  /** Every HTTP verticle instance listens: the node takes clients. */
  public void serving(String address) {
    if (phase == Phase.STARTING) {
      httpAddress = address;
      phase = Phase.SERVING;
    }
  }

  /** The node is stopping: it answers not-ready and refuses new requests from now on. */
  public void draining() {
    if (phase != Phase.DRAINING) {
      drainingSince = System.nanoTime();
      phase = Phase.DRAINING;
    }
  }

  /**
   * What is left of {@code grace} counted from when the node began draining (all of it while the
   * node does not drain): the steps of a stop share one grace, whichever instance runs them.
   */
  public Duration drainLeft(Duration grace) {
    if (phase != Phase.DRAINING) {
      return grace;
    }
    long left = grace.toNanos() - (System.nanoTime() - drainingSince);
    return Duration.ofNanos(Math.max(0, left));
  }
}
