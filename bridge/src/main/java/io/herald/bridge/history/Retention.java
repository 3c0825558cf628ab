package io.herald.bridge.history;

import java.time.Duration;

/**
 * How much history an address keeps: at most {@code size} events, none older than {@code maxAge}.
 * Whichever bound is hit first drops the oldest events.
 */
public record Retention(int size, Duration maxAge) {

  public Retention {
    if (size < 1) {
      throw new IllegalArgumentException("history size must be at least 1");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("history age must be positive");
    }
  }
}
