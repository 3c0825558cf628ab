package io.herald.bridge.transport.sockjs;

import io.herald.bridge.auth.Redaction;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Makes a SockJS polling or streaming session usable from any node. SockJS spreads one session
 * over many HTTP requests and vertx-web keeps the session in the memory of the node that created
 * it, so behind a load balancer without sticky sessions a client's requests reach nodes that do not
 * have its session. Here a request for a session that another node holds is forwarded to that node
 * ({@link OwnerForwarder}); every other request goes on to SockJS on this node, which creates the
 * session if it is new, once this node has recorded itself as its holder ({@link SessionOwners}).
 *
 * <p>It runs before authentication: the holder authenticates a forwarded request like any other,
 * so a token is checked once, where the session is. SockJS's WebSocket transports are one
 * connection each and pass straight through.
 */
final class SessionAffinity implements Handler<RoutingContext> {

  private static final Logger LOG = System.getLogger(SessionAffinity.class.getName());
  /** Holders tried for one request: after an unreachable one, another node may have taken the session meanwhile. */
  private static final int ATTEMPTS = 2;

  private final LocalSessions local;
  private final SessionOwners owners;
  private final OwnerForwarder forwarder;

  SessionAffinity(LocalSessions local, SessionOwners owners, OwnerForwarder forwarder) {
    this.local = local;
    this.owners = owners;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(RoutingContext rc) {
    SockJsPath path = SockJsPath.of(rc.normalizedPath());
    HttpMethod method = rc.request().method();
    if (path == null || !(path.receives(method) || path.sends(method)) || local.contains(path.session())) {
      rc.next();
      return;
    }
    boolean receives = path.receives(method);
    if (rc.request().headers().contains(OwnerForwarder.FORWARDED_HEADER)) {
      // Another node found this one in the map: answer here, whatever happens, never forward again.
      (receives ? owners.take(path.session()) : Future.<Void>succeededFuture()).onComplete(recorded -> rc.next());
      return;
    }
    route(rc, path.session(), receives, ATTEMPTS);
  }

  private void route(RoutingContext rc, String session, boolean receives, int attempts) {
    if (attempts == 0) {
      (receives ? owners.take(session) : Future.<Void>succeededFuture()).onComplete(recorded -> rc.next());
      return;
    }
    // A receiving request records this node unless another holds the session; a send only looks,
    // since SockJS never creates a session for one.
    Future<String> holder = receives ? owners.claim(session) : owners.ownerOf(session);
    holder.onComplete(found -> {
      if (found.failed()) {
        LOG.log(Level.WARNING, "SockJS session owners map unavailable, answering here: {0}", describe(found.cause()));
        rc.next();
        return;
      }
      String owner = found.result();
      HostAndPort address = owner == null ? null : HostAndPort.parseAuthority(owner, -1);
      if (owner == null || owner.equals(owners.self()) || address == null) {
        rc.next();
        return;
      }
      forwarder.forward(rc, address).onFailure(e -> {
        if (e instanceof OwnerForwarder.OwnerUnreachable) {
          // The holder is gone and its sessions with it. Answer as SockJS does for a session it does
          // not know (a poll opens a new session, a send gets 404): the client starts over.
          LOG.log(Level.INFO, "node {0} holding a SockJS session cannot be reached ({1}); answering here", owner, e.getMessage());
          owners.forget(session, owner).onComplete(forgotten -> route(rc, session, receives, attempts - 1));
        } else {
          failed(rc, owner, e);
        }
      });
    });
  }

  private static void failed(RoutingContext rc, String owner, Throwable e) {
    if (rc.response().closed()) {
      return;
    }
    LOG.log(Level.INFO, "forwarding a SockJS request to node {0} failed: {1}", owner, describe(e));
    if (rc.response().headWritten()) {
      rc.response().reset();
    } else {
      HttpErrors.send(rc, ErrorCode.OWNER_UNAVAILABLE, "the node that holds this SockJS session did not answer");
    }
  }

  /** A failure for the log: Vert.x's messages may quote the request URI, and with it an {@code access_token}. */
  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + Redaction.uri(String.valueOf(e.getMessage()));
  }
}
