package io.herald.bridge.node;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection ids, unique across the cluster: the node's key, a dash, and a counter of the node.
 * The key is what routes a message for one connection to the node that holds it, so no cluster
 * registration is ever made per connection.
 */
public final class ConnectionIds {

  private static final int KEY_BYTES = 6;

  private final String nodeKey;
  private final AtomicLong next = new AtomicLong();

  public ConnectionIds() {
    byte[] random = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(random);
    this.nodeKey = HexFormat.of().formatHex(random);
  }

  /** Twelve hex digits, new at every start, so ids of a restarted node never meet old ones. */
  public String nodeKey() {
    return nodeKey;
  }

  public String next() {
    return nodeKey + '-' + Long.toString(next.incrementAndGet(), 36);
  }

  /** The key of the node that issued the id, or {@code null} if it is no connection id. */
  public static String nodeKeyOf(String connectionId) {
    int dash = connectionId.indexOf('-');
    if (dash != KEY_BYTES * 2 || dash == connectionId.length() - 1) {
      return null;
    }
    for (int i = 0; i < dash; i++) {
      if (Character.digit(connectionId.charAt(i), 16) < 0) {
        return null;
      }
    }
    return connectionId.substring(0, dash);
  }
}
