package io.herald.bridge.transport.websocket;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.WebSocketHandshake;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /ws}: a raw WebSocket speaking the JSON frame protocol (docs/PROTOCOL.md). */
public final class WebSocketTransport implements Handler<RoutingContext> {

  public static final String PATH = "/ws";

  private final BridgeRuntime runtime;

  public WebSocketTransport(BridgeRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handle(RoutingContext rc) {
    String handshakeProblem = WebSocketHandshake.problem(rc.request());
    if (handshakeProblem != null) {
      HttpErrors.send(rc, ErrorCode.BAD_REQUEST, handshakeProblem);
      return;
    }
    // A bad token is refused with a 401 before any socket exists; no token means anonymous until
    // an auth frame arrives.
    HttpServerRequest request = rc.request();
    Channel channel = channelOf(request);
    // Paused while the token is checked: an authenticator may answer on a later turn, and Vert.x
    // upgrades only a request whose end it has not delivered yet ("Request has already been read").
    request.pause();
    runtime.authenticator().identify(request)
        .onFailure(e -> {
          request.resume();
          HttpErrors.send(rc, HeraldException.of(e));
        })
        .onSuccess(identity -> request.toWebSocket()
            .onSuccess(socket -> accept(socket, identity, channel))
            .onFailure(e -> HttpErrors.send(rc, ErrorCode.BAD_REQUEST, "WebSocket handshake failed")));
  }

  /**
   * The TCP channel under an HTTP/1 upgrade request: after the handshake it carries the WebSocket,
   * and events are written to it as ready-made frames. vertx-web hands out a wrapper of the socket
   * that hides its channel, so the channel is taken from the request's connection. {@code null} for
   * HTTP/2, whose streams share one channel.
   */
  public static Channel channelOf(HttpServerRequest request) {
    boolean http1 = request.version() == HttpVersion.HTTP_1_1 || request.version() == HttpVersion.HTTP_1_0;
    return http1 && request.connection() instanceof ConnectionBase base ? base.channel() : null;
  }

  private void accept(ServerWebSocket socket, Identity identity, Channel channel) {
    if (socket.isClosed()) {
      // The client hung up during the handshake: Vert.x refuses handlers on a closed socket.
      return;
    }
    if (channel != null) {
      // Every write of Herald's to this socket happens on this event loop (see DirectWrites).
      DirectWrites.apply(channel);
      HandshakeRelease.apply(channel);
    }
    // Vert.x keeps the handshake's headers for the socket's life; nothing reads them after the
    // identity is known, and dropped they are about 0.5 KB less in every idle socket (W2 in bench/).
    socket.headers().clear();
    WebSocketConnection connection = new WebSocketConnection(runtime, identity, socket, channel);
    socket.textMessageHandler(connection::onText);
    socket.binaryMessageHandler(b -> connection.onBinary());
    socket.pongHandler(p -> connection.heard());
    socket.closeHandler(v -> connection.close(CloseReason.CLIENT_CLOSED));
    Handler<Throwable> failed = e -> connection.close(CloseReason.ofSocketFailure(e));
    socket.exceptionHandler(failed);
    if (channel != null) {
      ViolationClose.apply(channel, runtime.options().getMaxFrameSize(), failed);
    }
    if (connection.refuseIfDraining()) {
      return;
    }
    // Welcomed once the user channel is live, so "send to this user" reaches it from then on.
    connection.openUserChannel().onComplete(v -> connection.sendWelcome());
  }
}
