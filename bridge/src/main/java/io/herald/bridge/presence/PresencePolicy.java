package io.herald.bridge.presence;

import io.herald.bridge.address.AddressPattern;
import io.herald.bridge.auth.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses keep presence: address patterns ({@code *} one part, a final {@code **} any
 * number), as in the history policy but without sizes, e.g. {@code room.**,group.**}. Presence is
 * opt-in: an address no pattern matches costs nothing, its subscribers are not recorded.
 */
public final class PresencePolicy {

  public static final PresencePolicy NONE = new PresencePolicy(List.of());

  private final List<AddressPattern> patterns;

  private PresencePolicy(List<AddressPattern> patterns) {
    this.patterns = patterns;
  }

  /**
   * Parses patterns separated by commas; an empty text tracks no address.
   *
   * @throws IllegalArgumentException naming the pattern that is wrong
   */
  public static PresencePolicy parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    List<AddressPattern> patterns = new ArrayList<>();
    for (String item : spec.split(",", -1)) {
      String pattern = item.trim();
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException("presence has an empty pattern: '" + spec.trim() + "'");
      }
      if (pattern.contains("=")) {
        throw new IllegalArgumentException("presence pattern '" + pattern + "' takes no size: name the addresses only (e.g. room.**)");
      }
      if (pattern.contains("{")) {
        throw new IllegalArgumentException("presence pattern '" + pattern + "' may not use {claims}: presence is per address, not per client");
      }
      patterns.add(AddressPattern.parse(pattern));
    }
    return new PresencePolicy(List.copyOf(patterns));
  }

  /** Whether the connections subscribed to the address are recorded and announced. */
  public boolean tracks(String address) {
    for (AddressPattern pattern : patterns) {
      if (pattern.matches(address, Identity.ANONYMOUS)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  @Override
  public String toString() {
    return String.join(",", patterns.stream().map(AddressPattern::toString).toList());
  }
}
