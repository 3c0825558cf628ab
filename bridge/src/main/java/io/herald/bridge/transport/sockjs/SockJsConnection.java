package io.herald.bridge.transport.sockjs;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.StreamSink;
import io.herald.bridge.transport.frames.FrameConnection;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/** One SockJS session (any SockJS transport) speaking the frame protocol. */
final class SockJsConnection extends FrameConnection {

  private final SockJSSocket socket;

  SockJsConnection(BridgeRuntime runtime, Identity identity, SockJSSocket socket) {
    super(runtime, identity);
    this.socket = socket;
    // As text: SockJS's raw WebSocket endpoint sends a Buffer as a binary message, and the protocol
    // is JSON text. The session transports turn a Buffer into a String anyway.
    attach(new StreamSink(socket, frame -> socket.write(frame.toString()), false));
  }

  @Override
  public String transport() {
    return "sockjs";
  }

  /** SockJS sends its own heartbeat frames; liveness from the client comes from its bridge pings. */
  @Override
  protected void keepAlive() {}

  @Override
  protected boolean answersPing() {
    return false;
  }

  @Override
  protected void closeTransport(CloseReason reason) {
    if (reason.tellsClient()) {
      socket.write(farewell(reason).toString());
    }
    socket.close(reason.webSocketCode(), reason.code());
  }
}
