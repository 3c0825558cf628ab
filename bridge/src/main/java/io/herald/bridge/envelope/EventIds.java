package io.herald.bridge.envelope;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Issues ids (of events and of connections) that are unique across nodes and restarts: a random
 * per-instance prefix and a counter. Clients treat ids as opaque cursors, so the cluster's positions can replace them later
 * without a protocol change.
 */
public final class EventIds {

  private final String prefix;
  private long next;

  public EventIds() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.prefix = HexFormat.of().formatHex(random) + '-';
  }

  public String next() {
    return prefix + Long.toString(++next, 36);
  }
}
