package io.herald.bridge.transport.websocket;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.WebSocketHandshake;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
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
    runtime.authenticator().identify(rc.request())
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)))
        .onSuccess(identity -> rc.request().toWebSocket()
            .onSuccess(socket -> accept(socket, identity))
            .onFailure(e -> HttpErrors.send(rc, ErrorCode.BAD_REQUEST, "WebSocket handshake failed")));
  }

  private void accept(ServerWebSocket socket, Identity identity) {
    if (socket.isClosed()) {
      // The client hung up during the handshake: Vert.x refuses handlers on a closed socket.
      return;
    }
    WebSocketConnection connection = new WebSocketConnection(runtime, identity, socket);
    socket.textMessageHandler(connection::onText);
    socket.binaryMessageHandler(b -> connection.onBinary());
    socket.pongHandler(p -> connection.heard());
    socket.closeHandler(v -> connection.close(CloseReason.CLIENT_CLOSED));
    socket.exceptionHandler(e -> connection.close(CloseReason.ofSocketFailure(e)));
    connection.sendWelcome();
  }
}
