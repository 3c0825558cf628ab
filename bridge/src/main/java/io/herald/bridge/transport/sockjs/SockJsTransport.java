package io.herald.bridge.transport.sockjs;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.QueryCheck;
import io.herald.bridge.transport.RequestBodies;
import io.herald.bridge.transport.websocket.ViolationClose;
import io.herald.bridge.transport.websocket.WebSocketTransport;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * {@code /eventbus}: SockJS (every transport it has, websocket down to xhr-polling) carrying the
 * Vert.x event-bus bridge frames, so the stock {@code vertx-eventbus.js} client works unchanged.
 *
 * <p>The SockJS protocol is vertx-web's {@link SockJSHandler}. The bridge on top is Herald's frame
 * protocol rather than vertx-web's own bridge, which registers an event-bus consumer per socket and
 * address: here every socket goes through the node's shared consumers and the same address rules as
 * the other transports.
 *
 * <p>With a node address in the options, a session can be used from any node of the cluster
 * ({@link SessionAffinity}): no sticky sessions are needed in front of Herald.
 */
public final class SockJsTransport {

  public static final String PATH = "/eventbus";
  /** The cluster-wide map (a Hazelcast map when clustered) of which node holds each SockJS session. */
  public static final String OWNERS_MAP = "herald.sockjs.owners";
  private static final String IDENTITY = "herald.identity";

  private final BridgeRuntime runtime;
  private final LocalSessions sessions;
  private SessionOwners owners;
  private OwnerForwarder forwarder;

  public SockJsTransport(BridgeRuntime runtime) {
    this.runtime = runtime;
    this.sessions = new LocalSessions(runtime.vertx());
  }

  public void mount(Router router) {
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setHeartbeatInterval(runtime.options().getHeartbeatInterval().toMillis())
        .setRegisterWriteHandler(false);
    if (!runtime.options().getTransports().contains("websocket")) {
      options.addDisabledTransport("WEBSOCKET");
    }
    Router sockJs = SockJSHandler.create(runtime.vertx(), options).socketHandler(this::accept);
    // xhr_send and jsonp_send bodies: bounded before SockJS reads them.
    router.post(PATH + "/*")
        .handler(QueryCheck.INSTANCE)
        .handler(RequestBodies.bounded(runtime.options()))
        .failureHandler(HttpErrors::onFailure);
    String nodeAddress = runtime.options().getNodeAddress();
    if (nodeAddress != null && owners == null) {
      owners = new SessionOwners(runtime.vertx(), nodeAddress, sessions);
      forwarder = new OwnerForwarder(runtime.vertx(), runtime.options().getHeartbeatInterval());
    }
    if (owners != null) {
      // Before the token check: the node that holds the session checks a forwarded request's token.
      router.route(PATH + "/*").handler(new SessionAffinity(sessions, owners, forwarder));
    }
    // Every SockJS request with a token (access_token in the SockJS URL, or a header from a
    // non-browser client) is verified before SockJS sees it; the session keeps the identity of the
    // request that opened it.
    router.route(PATH + "/*").handler(rc -> {
      // A WebSocket upgrade waits paused, as on /ws: an authenticator may answer on a later turn,
      // and Vert.x upgrades only a request whose end it has not delivered yet.
      boolean upgrade = "websocket".equalsIgnoreCase(rc.request().getHeader("upgrade"));
      if (upgrade) {
        rc.request().pause();
      }
      runtime.authenticator().identify(rc.request())
          .onSuccess(identity -> {
            rc.put(IDENTITY, identity);
            rc.next();
          })
          .onFailure(e -> {
            if (upgrade) {
              rc.request().resume();
            }
            HttpErrors.send(rc, HeraldException.of(e));
          });
    });
    // Malformed SockJS requests get Herald's JSON errors here; SockJS would answer some with a 500.
    router.route(PATH + "/*").handler(new SockJsGuard(sessions));
    // Last before SockJS: nothing asynchronous may come between taking a session's turn and SockJS.
    router.route(PATH + "/*").handler(new SessionTurns(runtime.vertx()));
    router.route(PATH + "/*").subRouter(sockJs);
  }

  /** Removes this node's entries from the owners map and closes the connections to other nodes. */
  public Future<Void> close() {
    if (owners == null) {
      return Future.succeededFuture();
    }
    return Future.join(owners.close(), forwarder.close()).mapEmpty();
  }

  private void accept(SockJSSocket socket) {
    SockJsPath path = socket.routingContext() == null ? null : SockJsPath.of(socket.routingContext().normalizedPath());
    String session = path == null ? null : path.session();
    if (owners != null && session != null) {
      owners.opened(session);
    }
    Identity opened = socket.routingContext() == null ? null : socket.routingContext().get(IDENTITY);
    SockJsConnection connection = new SockJsConnection(
        runtime, opened == null ? Identity.ANONYMOUS : opened, socket, sessions, session);
    socket.handler(message -> connection.onText(message.toString()));
    socket.closeHandler(v -> connection.close(CloseReason.CLIENT_CLOSED));
    socket.endHandler(v -> connection.close(CloseReason.CLIENT_CLOSED));
    Handler<Throwable> failed = e -> connection.close(CloseReason.ofSocketFailure(e));
    socket.exceptionHandler(failed);
    // Over SockJS's WebSocket transports, a frame over the size limit comes here instead, before
    // Vert.x (which would close the channel at once) and vertx-web (which would shut the session
    // before the farewell is written) see it: the client gets the farewell and a clean end.
    Channel channel = channelOf(socket);
    if (channel != null) {
      ViolationClose.apply(channel, runtime.options().getMaxFrameSize(), failed);
    }
    if (connection.refuseIfDraining()) {
      return;
    }
    connection.openUserChannel();
  }

  /**
   * The TCP channel a SockJS socket came on: under one of SockJS's WebSocket transports it carries
   * the WebSocket ({@link ViolationClose} does nothing on any other).
   */
  private static Channel channelOf(SockJSSocket socket) {
    RoutingContext rc = socket.routingContext();
    return rc == null ? null : WebSocketTransport.channelOf(rc.request());
  }
}
