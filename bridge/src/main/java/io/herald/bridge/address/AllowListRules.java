package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;
import java.util.List;

/**
 * Permits every operation on the addresses that match one of its patterns and nothing else.
 *
 * <p>A pattern is an exact address, or a prefix ending in {@code .*} that matches any address with
 * at least one more part ({@code public.*} matches {@code public.ticker}, not {@code public}).
 */
public final class AllowListRules implements AddressRules {

  public static final List<String> DEFAULT_PATTERNS = List.of("public.*", "user.*", "group.*");

  private final List<String> exact;
  private final List<String> prefixes;

  public AllowListRules(List<String> patterns) {
    for (String pattern : patterns) {
      String bare = pattern.endsWith(".*") ? pattern.substring(0, pattern.length() - 2) : pattern;
      String problem = AddressSyntax.problem(bare);
      if (problem != null) {
        throw new IllegalArgumentException("address pattern '" + pattern + "': " + problem);
      }
    }
    this.exact = patterns.stream().filter(p -> !p.endsWith(".*")).toList();
    this.prefixes = patterns.stream().filter(p -> p.endsWith(".*")).map(p -> p.substring(0, p.length() - 1)).toList();
  }

  public static AllowListRules defaults() {
    return new AllowListRules(DEFAULT_PATTERNS);
  }

  @Override
  public boolean permits(Identity identity, Operation operation, String address) {
    if (exact.contains(address)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (address.length() > prefix.length() && address.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
