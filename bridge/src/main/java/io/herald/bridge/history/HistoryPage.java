package io.herald.bridge.history;

import java.util.List;

/**
 * A slice of one address's history.
 *
 * @param epoch the history's epoch ({@code ""} when the address has none)
 * @param firstSeq the oldest sequence number still kept ({@code lastSeq + 1} when none is)
 * @param lastSeq the newest sequence number assigned (0 when none was)
 * @param events the events asked for, oldest first
 */
public record HistoryPage(String epoch, long firstSeq, long lastSeq, List<StoredEvent> events) {

  public static final HistoryPage EMPTY = new HistoryPage("", 1, 0, List.of());

  /** The position of the newest event. */
  public Position head() {
    return new Position(epoch, lastSeq);
  }

  /**
   * Whether every event after {@code cursor} is still here: same epoch, and nothing between the
   * cursor and the oldest kept event has been dropped.
   */
  public boolean continues(Position cursor) {
    if (cursor.epoch().isEmpty()) {
      // Subscribed before the address had any history: every event since is still here, or not.
      // Such a cursor is only ever at 0; one past it names no history, so it cannot be continued.
      return cursor.seq() == 0 && firstSeq <= 1;
    }
    return cursor.epoch().equals(epoch) && cursor.seq() >= firstSeq - 1 && cursor.seq() <= lastSeq;
  }

  /**
   * Where a subscription without a cursor starts instead of {@code live}, the node's stream's
   * position, when that stands in an epoch this history no longer has (dropped after a day idle, or
   * lost): at the beginning of history's epoch, whose events the node's stream has not handed out
   * yet, so the client misses nothing. {@code null} when {@code live} is in history's epoch, or
   * history's epoch has already dropped events.
   */
  public Position startInsteadOf(Position live) {
    if (epoch.equals(live.epoch()) || firstSeq > 1) {
      return null;
    }
    return lastSeq == 0 ? Position.NONE : new Position(epoch, 0);
  }
}
