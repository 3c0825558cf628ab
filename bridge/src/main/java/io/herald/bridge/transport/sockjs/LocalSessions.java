package io.herald.bridge.transport.sockjs;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * The SockJS sessions this node holds: the local map in which vertx-web's SockJS handler keeps its
 * polling and streaming sessions by id, shared by every bridge and verticle instance of the node.
 */
final class LocalSessions {

  /** vertx-web's name for the map. */
  private static final String MAP_NAME = "_vertx.sockjssessions";

  private final LocalMap<String, Object> sessions;

  LocalSessions(Vertx vertx) {
    this.sessions = vertx.sharedData().getLocalMap(MAP_NAME);
  }

  boolean contains(String session) {
    return sessions.containsKey(session);
  }
}
