package io.herald.bridge.transport.websocket;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.StreamSink;
import io.herald.bridge.transport.frames.FrameConnection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/** One raw WebSocket speaking the frame protocol. */
final class WebSocketConnection extends FrameConnection {

  private static final Buffer PING = Buffer.buffer();

  private final ServerWebSocket socket;

  WebSocketConnection(BridgeRuntime runtime, Identity identity, ServerWebSocket socket) {
    super(runtime, identity);
    this.socket = socket;
    // Vert.x throws from writeQueueFull() once the socket is closed, which it is from the client's
    // close frame on, before the close handler has closed this connection. Thrown while an event is
    // handed out, it would cost every later subscriber that event; a closed socket reads as not full
    // (writes to it fail quietly) until the close handler runs.
    attach(new StreamSink(socket, frame -> socket.writeFrame(TextFrames.of(frame)), false, socket::isClosed));
  }

  @Override
  public String transport() {
    return "websocket";
  }

  void sendWelcome() {
    send(new JsonObject().put("type", "welcome").put("connection", id()).put("transport", transport()).toBuffer());
  }

  @Override
  protected void keepAlive() {
    if (queueIdle()) {
      socket.writePing(PING);
    }
  }

  @Override
  protected boolean answersPing() {
    return true;
  }

  @Override
  protected void closeTransport(CloseReason reason) {
    if (socket.isClosed()) {
      return;
    }
    if (reason.tellsClient()) {
      socket.writeFrame(TextFrames.of(farewell(reason)));
    }
    runtime.connections().closing(socket.close(reason.webSocketCode(), reason.code()));
  }
}
