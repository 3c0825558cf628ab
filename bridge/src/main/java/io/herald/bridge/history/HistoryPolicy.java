package io.herald.bridge.history;

import io.herald.bridge.address.AddressPattern;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.auth.Identity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which addresses keep history and how much: address patterns ({@code *} one part, a final
 * {@code **} any number) each with a {@link Retention}; the first pattern that matches decides.
 * Addresses no pattern matches keep none and their events carry no position.
 */
public final class HistoryPolicy {

  /** History is on for per-user and per-group addresses: the notifications a client must not miss. */
  public static final String DEFAULT_SPEC = "user.**=1000/1h,group.**=1000/1h";
  public static final HistoryPolicy NONE = new HistoryPolicy(List.of());

  private static final Pattern ENTRY = Pattern.compile("\\s*([^=\\s]+)\\s*=\\s*(\\d+)\\s*/\\s*(\\d+)(ms|s|m|h|d)\\s*");

  private record Entry(AddressPattern pattern, Retention retention) {}

  private final List<Entry> entries;

  private HistoryPolicy(List<Entry> entries) {
    this.entries = entries;
  }

  public static HistoryPolicy defaults() {
    return parse(DEFAULT_SPEC);
  }

  /**
   * Parses {@code pattern=size/age,...}, e.g. {@code user.**=1000/1h,orders.*=50/10m}; an empty
   * text keeps no history anywhere.
   *
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static HistoryPolicy parse(String spec) {
    List<Entry> entries = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    for (String item : spec.split(",")) {
      Matcher m = ENTRY.matcher(item);
      if (!m.matches()) {
        throw new IllegalArgumentException("history entry '" + item.trim() + "' is not pattern=size/age (e.g. user.**=1000/1h)");
      }
      if (m.group(1).contains("{")) {
        throw new IllegalArgumentException("history pattern '" + m.group(1) + "' may not use {claims}: history is per address, not per client");
      }
      entries.add(new Entry(AddressPattern.parse(m.group(1)), new Retention(Integer.parseInt(m.group(2)), age(m.group(3), m.group(4)))));
    }
    return new HistoryPolicy(List.copyOf(entries));
  }

  /**
   * @return the address's retention, or {@code null} if it keeps no history: Herald's own addresses
   *     ({@code herald.}: events to everyone, lifecycle events, requests between nodes) never do,
   *     whatever the patterns, so that a {@code **} pattern does not make them wait for history
   */
  public Retention retentionFor(String address) {
    if (address.startsWith(AddressSyntax.RESERVED_PREFIX)) {
      return null;
    }
    for (Entry entry : entries) {
      if (entry.pattern().matches(address, Identity.ANONYMOUS)) {
        return entry.retention();
      }
    }
    return null;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  private static Duration age(String amount, String unit) {
    try {
      long n = Long.parseLong(amount);
      Duration age = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      // Appends and reads take the age in milliseconds.
      age.toMillis();
      return age;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("history age " + amount + unit + " is too long (at most about 290 million years)");
    }
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Entry entry : entries) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(entry.pattern()).append('=').append(entry.retention().size()).append('/').append(age(entry.retention().maxAge()));
    }
    return out.toString();
  }

  /** In seconds when the age is whole seconds, else in milliseconds: two ages print alike only if they are equal. */
  private static String age(Duration age) {
    long millis = age.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
