package io.herald.bridge.transport.sockjs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Which node holds each SockJS polling or streaming session: a cluster-wide map from session id to
 * the holder's HTTP address ({@code host:port}), so that any node can forward a request for a session
 * it does not hold. With a clustered Vert.x the map lives in Hazelcast; standalone it is local.
 *
 * <p>A node records a session before SockJS creates it, since the client may send its next request
 * to another node as soon as it has the open frame. While vertx-web keeps the session, the entry's
 * time-to-live is renewed; once vertx-web has let the session go, the entry is removed. That is not
 * at the moment the session closes: vertx-web keeps a closed session a few seconds to answer the
 * client's next poll with the close frame, and that poll must still reach this node. The
 * time-to-live only matters for the entries of a node that crashed.
 *
 * <p>Confined to the bridge's event loop, like the rest of the bridge.
 */
final class SessionOwners {

  /** How long an entry outlives its last renewal: a crashed node's entries are gone after this. */
  static final Duration TTL = Duration.ofMinutes(2);
  private static final long RENEW_MS = TTL.toMillis() / 3;
  private static final long SWEEP_MS = 1_000;
  /**
   * A claim whose session never appeared is let go after this: the request that claimed it was
   * refused after the claim (a bad token, a bad callback) or its client went away.
   */
  private static final long CLAIM_GRACE_MS = 10_000;
  /** How long closing the bridge waits for its entries to be removed before leaving them to the TTL. */
  private static final long RELEASE_ON_CLOSE_MS = 5_000;
  private static final Logger LOG = System.getLogger(SessionOwners.class.getName());

  /** A session this bridge recorded as its own. */
  private static final class Claim {
    final long claimedAt;
    long writtenAt;
    /** SockJS created the session (or the sweep saw it): its absence now means it is gone. */
    boolean seen;

    Claim(long now) {
      this.claimedAt = now;
      this.writtenAt = now;
    }
  }

  private final Vertx vertx;
  private final String self;
  private final LocalSessions local;
  private final Future<AsyncMap<String, String>> map;
  private final Map<String, Claim> claims = new HashMap<>();
  private final long sweepTimer;

  /** @param self this node's HTTP address, as the other nodes reach it */
  SessionOwners(Vertx vertx, String self, LocalSessions local) {
    this.vertx = vertx;
    this.self = self;
    this.local = local;
    this.map = vertx.sharedData().getAsyncMap(SockJsTransport.OWNERS_MAP);
    this.sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> sweep());
  }

  String self() {
    return self;
  }

  /** The node that holds the session, or {@code null} when no node has recorded it. */
  Future<String> ownerOf(String session) {
    return map.compose(m -> m.get(session));
  }

  /**
   * Records this node as the session's holder unless another node already is, in one atomic step
   * (two nodes asked to create the same session at once agree on one of them).
   *
   * @return the holder: this node, or the node that was recorded before
   */
  Future<String> claim(String session) {
    // A plain read first: most requests that get here are for a session another node holds, and a
    // read is cheaper than Hazelcast's putIfAbsent, which vertx-hazelcast runs on a worker thread.
    return ownerOf(session).compose(known -> known != null && !known.equals(self)
        ? Future.succeededFuture(known)
        : map.compose(m -> m.putIfAbsent(session, self, TTL.toMillis())).map(previous -> {
          if (previous != null && !previous.equals(self)) {
            return previous;
          }
          claims.put(session, new Claim(System.currentTimeMillis()));
          return self;
        }));
  }

  /** Records this node as the session's holder whatever the map said: it is creating the session here. */
  Future<Void> take(String session) {
    claims.put(session, new Claim(System.currentTimeMillis()));
    return map.compose(m -> m.put(session, self, TTL.toMillis()));
  }

  /**
   * SockJS created the claimed session: from now on the entry goes as soon as vertx-web lets the
   * session go, rather than after the grace for claims that came to nothing.
   */
  void opened(String session) {
    Claim claim = claims.get(session);
    if (claim != null) {
      claim.seen = true;
    }
  }

  /** Removes the entry of a holder that could not be reached, unless another node recorded the session meanwhile. */
  Future<Void> forget(String session, String owner) {
    return map.compose(m -> m.removeIfPresent(session, owner)).mapEmpty();
  }

  /** Sessions this bridge holds an entry for (for tests and operators). */
  int claimCount() {
    return claims.size();
  }

  /** Stops renewing, and removes this bridge's entries so the other nodes do not try to reach it. */
  Future<Void> close() {
    vertx.cancelTimer(sweepTimer);
    List<Future<?>> releases = new ArrayList<>();
    claims.keySet().forEach(session -> releases.add(release(session)));
    claims.clear();
    return Future.join(releases)
        .timeout(RELEASE_ON_CLOSE_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  /** Renews the entries of live sessions and removes those of sessions vertx-web has let go. */
  private void sweep() {
    long now = System.currentTimeMillis();
    for (Iterator<Map.Entry<String, Claim>> it = claims.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Claim> entry = it.next();
      String session = entry.getKey();
      Claim claim = entry.getValue();
      if (local.contains(session)) {
        claim.seen = true;
        if (now - claim.writtenAt >= RENEW_MS) {
          claim.writtenAt = now;
          map.compose(m -> m.put(session, self, TTL.toMillis()))
              .onFailure(e -> LOG.log(Level.WARNING, "could not renew a SockJS session's owner entry: {0}", e.toString()));
        }
      } else if (claim.seen || now - claim.claimedAt >= CLAIM_GRACE_MS) {
        it.remove();
        release(session);
      }
    }
  }

  private Future<Boolean> release(String session) {
    // Only this node's own entry: the session id may since have been recorded by another node.
    return map.compose(m -> m.removeIfPresent(session, self))
        .onFailure(e -> LOG.log(Level.WARNING, "could not remove a SockJS session's owner entry: {0}", e.toString()));
  }
}
