package io.herald.bridge.transport;

import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.Envelope;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.Position;
import io.herald.bridge.history.StoredEvent;
import io.vertx.core.Future;

/**
 * Brings one connection's address from its cursor up to the live stream: reads history after the
 * cursor page by page (each page once the client has taken the last), then checks whether the
 * node's live stream has gone further meanwhile, and reads again if so. When history cannot continue
 * the cursor (older than what is kept, or another epoch), the client gets a reset instead.
 *
 * <p>Everything runs on the connection's event loop, so the final check and the switch to live
 * events happen in one step: no live event can fall between them.
 */
final class CatchUp {

  /** Events per history read at most: a page is replayed at once, and must sit in the connection's queue. */
  static final int PAGE = 200;
  /** Rounds in which the live stream may still be ahead (a stale node view) before the catch-up ends anyway. */
  private static final int MAX_ROUNDS = 1000;

  private CatchUp() {}

  static Future<Void> run(BaseConnection connection, String address) {
    return round(connection, address, 0);
  }

  private static Future<Void> round(BaseConnection connection, String address, int rounds) {
    Position from = connection.position(address);
    if (from == null || connection.isClosed()) {
      return Future.succeededFuture();
    }
    // At most half the queue, so that a page fits beside what the stream's other addresses queue meanwhile.
    int pageSize = Math.max(1, Math.min(PAGE, connection.runtime.options().getQueueSize() / 2));
    Position liveAtRead = connection.runtime.hub().position(address);
    return connection.runtime.history().read(address, from.seq(), pageSize)
        .recover(e -> Future.succeededFuture(null))
        .compose(page -> {
          if (connection.isClosed() || !from.equals(connection.position(address))) {
            return Future.succeededFuture();
          }
          if (page == null) {
            // History is unreachable: say so rather than pretend the stream is whole.
            connection.sendReset(address, from);
            connection.caughtUp(address);
            return Future.succeededFuture();
          }
          // The client asked for events from now, and the node's live stream may stand in an epoch
          // history no longer has: it missed nothing, and starts where history's epoch begins.
          Position instead = page.continues(from) || !connection.startedFromNow(address) ? null : page.startInsteadOf(from);
          if (instead != null && rounds < MAX_ROUNDS) {
            connection.restartAt(address, instead);
            return round(connection, address, rounds + 1);
          }
          boolean full = deliver(connection, address, from, page) == pageSize;
          if (full || behindLive(connection, address, liveAtRead) && rounds < MAX_ROUNDS) {
            return connection.drained().compose(v -> round(connection, address, rounds + 1));
          }
          connection.caughtUp(address);
          return Future.succeededFuture();
        });
  }

  /** @return how many events the page replayed (a full page: more may follow) */
  private static int deliver(BaseConnection connection, String address, Position from, HistoryPage page) {
    if (!page.continues(from)) {
      connection.sendReset(address, page.lastSeq() == 0 ? Position.NONE : page.head());
      return 0;
    }
    for (StoredEvent stored : page.events()) {
      connection.replay(new EncodedEvent(Envelope.replayed(address, page.epoch(), stored)));
    }
    connection.runtime.node().metrics().replayed(page.events().size());
    return page.events().size();
  }

  /**
   * Whether the node handed out events of the address that this connection has not had. In another
   * epoch than the connection's, only if the node's stream moved since the read: one that still
   * stands where it stood then is in an epoch history no longer has, and reading again would find
   * nothing new (it used to, up to {@link #MAX_ROUNDS} times).
   */
  private static boolean behindLive(BaseConnection connection, String address, Position liveAtRead) {
    Position live = connection.runtime.hub().position(address);
    Position mine = connection.position(address);
    if (live == null || mine == null || live.epoch().isEmpty()) {
      return false;
    }
    return live.sameEpoch(mine) ? live.seq() > mine.seq() : !live.equals(liveAtRead);
  }
}
