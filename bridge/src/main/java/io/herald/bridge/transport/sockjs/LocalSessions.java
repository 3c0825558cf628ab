package io.herald.bridge.transport.sockjs;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The SockJS sessions this node holds: the local map in which vertx-web's SockJS handler keeps its
 * polling and streaming sessions by id, shared by every bridge and verticle instance of the node.
 *
 * <p>vertx-web keeps a session it was told to close for a few seconds more, to answer the client's
 * next poll with the close frame, and answers a send to it with a bare {@code 404}. So the node also
 * remembers which of the sessions in that map the bridge closed, until vertx-web lets them go, and
 * such a session counts as not {@linkplain #open open}.
 */
final class LocalSessions {

  /** vertx-web's name for the map. */
  private static final String MAP_NAME = "_vertx.sockjssessions";
  /** Node-wide: the sessions closed here that vertx-web may still keep, each with the session it closed. */
  private static final String CLOSED_MAP_NAME = "herald.sockjs.closed";
  /** How often a closed session is looked for in vertx-web's map, until it is gone from there. */
  private static final long GONE_CHECK_MS = 1_000;

  private final Vertx vertx;
  private final LocalMap<String, Object> sessions;
  private final LocalMap<String, Object> closed;

  LocalSessions(Vertx vertx) {
    this.vertx = vertx;
    this.sessions = vertx.sharedData().getLocalMap(MAP_NAME);
    this.closed = vertx.sharedData().getLocalMap(CLOSED_MAP_NAME);
  }

  /** Whether vertx-web keeps the session, open or closed: its requests are answered on this node. */
  boolean contains(String session) {
    return sessions.containsKey(session);
  }

  /** Whether vertx-web keeps the session and the bridge has not closed it: it takes sends. */
  boolean open(String session) {
    Object held = sessions.get(session);
    // By identity: a new session may since have taken the id of one closed before.
    return held != null && closed.get(session) != held;
  }

  /** The bridge closed the socket of this session; remembered while vertx-web keeps the session. */
  void closed(String session, SockJSSocket socket) {
    // Only a session of vertx-web's map (not one of SockJS's WebSocket transports, not one it let go).
    if (sessions.get(session) == socket) {
      closed.put(session, socket);
      forgetOnceGone(session, socket);
    }
  }

  private void forgetOnceGone(String session, SockJSSocket socket) {
    vertx.setTimer(GONE_CHECK_MS, t -> {
      if (sessions.get(session) == socket) {
        forgetOnceGone(session, socket);
      } else {
        closed.removeIfPresent(session, socket);
      }
    });
  }
}
