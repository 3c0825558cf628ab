package io.herald.bridge.history;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an event stands in its address's history: the history's epoch and the event's sequence
 * number in it. Sequence numbers start at 1 and have no gaps; the epoch changes only when the
 * history was lost as a whole, so a cursor from an old epoch is never matched against new numbers.
 *
 * <p>Written {@code epoch.seq}; clients treat it as opaque.
 */
public record Position(String epoch, long seq) {

  /** The position of an address that has no history yet: the next event starts an epoch. */
  public static final Position NONE = new Position("", 0);
  /** A cursor that could not be read: it matches no history, so resuming from it yields a reset. */
  public static final Position UNKNOWN = new Position("?", 0);

  private static final Pattern TEXT = Pattern.compile("([A-Za-z0-9]{0,16})\\.(\\d{1,18})");

  /** @return the position, or {@code null} if the text is not one */
  public static Position parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = TEXT.matcher(text);
    return m.matches() ? new Position(m.group(1), Long.parseLong(m.group(2))) : null;
  }

  public boolean sameEpoch(Position other) {
    return epoch.equals(other.epoch);
  }

  /** Whether this position comes after {@code other} in the same history. */
  public boolean isAfter(Position other) {
    return sameEpoch(other) && seq > other.seq;
  }

  @Override
  public String toString() {
    return epoch + "." + seq;
  }
}
