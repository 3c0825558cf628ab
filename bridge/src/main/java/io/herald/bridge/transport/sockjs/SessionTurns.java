package io.herald.bridge.transport.sockjs;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets the receiving requests of one SockJS session into vertx-web's SockJS handler one at a time,
 * node-wide.
 *
 * <p>Why: vertx-web attaches a receiving request to its session without a lock, and the requests of
 * one session arrive on whichever event loop accepted their connection. A poll that came in on one
 * loop while the session's first request was still being attached on another could open the
 * session a second time: the client got a second {@code o} and dropped the session, and the bridge
 * got a second socket for it. The first connection was never told that the session closed, so it
 * stayed open until the node stopped.
 *
 * <p>A request holds its session's turn while SockJS handles it, which is within
 * {@code rc.next()}: SockJS answers or parks the request before returning. A request that finds the
 * turn taken tries again a millisecond later. The map's atomic operations also make everything the
 * previous holder wrote visible to the next one.
 */
final class SessionTurns implements Handler<RoutingContext> {

  private static final String MAP_NAME = "herald.sockjs.turns";
  private static final Logger LOG = System.getLogger(SessionTurns.class.getName());
  /** A turn is held for microseconds; past this, something is wrong and the request goes on untaken. */
  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long RETRY_MS = 1;
  /** Tells one holder from the next, so a request gives back only its own turn. */
  private static final AtomicLong HOLDERS = new AtomicLong();

  private final Vertx vertx;
  private final LocalMap<String, Long> turns;

  SessionTurns(Vertx vertx) {
    this.vertx = vertx;
    this.turns = vertx.sharedData().getLocalMap(MAP_NAME);
  }

  @Override
  public void handle(RoutingContext rc) {
    SockJsPath path = SockJsPath.of(rc.normalizedPath());
    if (path == null || !path.receives(rc.request().method())) {
      rc.next();
      return;
    }
    enter(rc, path.session(), System.nanoTime() + GIVE_UP_NANOS);
  }

  private void enter(RoutingContext rc, String session, long giveUpAt) {
    if (rc.response().closed()) {
      return;
    }
    Long holder = HOLDERS.incrementAndGet();
    if (turns.putIfAbsent(session, holder) == null) {
      try {
        rc.next();
      } finally {
        turns.removeIfPresent(session, holder);
      }
    } else if (System.nanoTime() - giveUpAt > 0) {
      // The session's id stays out of the log: it is all it takes to read and write the session.
      LOG.log(Level.WARNING, "the turn of a SockJS session was not given back within 1 s; handling the request without it");
      rc.next();
    } else {
      vertx.setTimer(RETRY_MS, t -> enter(rc, session, giveUpAt));
    }
  }
}
