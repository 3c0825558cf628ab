package io.herald.bridge.history;

import java.util.ArrayList;
import java.util.List;

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

  private static final int MAX_EPOCH = 16;
  private static final int MAX_DIGITS = 18;

  /**
   * Reads {@code epoch.seq}: an epoch of at most 16 ASCII letters and digits, a dot, and 1 to 18
   * digits. Checked by hand rather than by a regular expression: every event a node receives
   * carries one.
   *
   * @return the position, or {@code null} if the text is not one
   */
  public static Position parse(String text) {
    if (text == null) {
      return null;
    }
    int dot = text.indexOf('.');
    int digits = text.length() - dot - 1;
    if (dot < 0 || dot > MAX_EPOCH || digits < 1 || digits > MAX_DIGITS) {
      return null;
    }
    for (int i = 0; i < dot; i++) {
      char c = text.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
        return null;
      }
    }
    long seq = 0;
    for (int i = dot + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      seq = seq * 10 + (c - '0');
    }
    return new Position(text.substring(0, dot), seq);
  }

  /** The {@code count} consecutive positions of this epoch that end at this one, oldest first. */
  public List<Position> runEndingHere(int count) {
    List<Position> run = new ArrayList<>(count);
    for (long seq = this.seq - count + 1; seq <= this.seq; seq++) {
      run.add(new Position(epoch, seq));
    }
    return run;
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
