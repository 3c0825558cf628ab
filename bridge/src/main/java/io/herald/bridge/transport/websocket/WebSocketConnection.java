package io.herald.bridge.transport.websocket;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.WebSocketFraming;
import io.herald.bridge.transport.ChannelSink;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.StreamSink;
import io.herald.bridge.transport.frames.FrameConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/** One raw WebSocket speaking the frame protocol. */
final class WebSocketConnection extends FrameConnection {

  private static final Buffer PING = Buffer.buffer();
  /** The name Netty's server handshake gives the WebSocket frame encoder in the pipeline. */
  private static final String NETTY_FRAME_ENCODER = "wsencoder";

  private final ServerWebSocket socket;
  // The socket's TCP channel, when known: events then go out as frame bytes built once per node, a
  // batch of them in one write. Otherwise, one Vert.x frame per event.
  private final Channel channel;

  WebSocketConnection(BridgeRuntime runtime, Identity identity, ServerWebSocket socket, Channel channel) {
    super(runtime, identity);
    this.socket = socket;
    this.channel = channel;
    // Vert.x throws from writeQueueFull() once the socket is closed, which it is from the client's
    // close frame on, before the close handler has closed this connection. Thrown while an event is
    // handed out, it would cost every later subscriber that event; a closed socket reads as not full
    // (writes to it fail quietly) until the close handler runs. Back-pressure is the channel's
    // writability either way, which Vert.x's writeQueueFull() and drain handler follow.
    if (channel != null) {
      // The frames are made already: they enter the pipeline below Netty's WebSocket encoder.
      ChannelHandlerContext encoder = channel.pipeline().context(NETTY_FRAME_ENCODER);
      attach(new ChannelSink(channel, encoder != null ? encoder : channel));
    } else {
      attach(new StreamSink(socket, frame -> socket.writeFrame(TextFrames.of(frame)), false, socket::isClosed));
    }
  }

  @Override
  protected Buffer wireForm(EncodedEvent event) {
    return channel != null ? event.webSocketFrame() : event.frame();
  }

  @Override
  protected Buffer wireForm(EncodedBatch batch) {
    return channel != null ? batch.webSocketFrames() : null;
  }

  @Override
  protected Buffer controlForm(Buffer frame) {
    return channel != null ? WebSocketFraming.text(frame) : frame;
  }

  @Override
  public String transport() {
    return "websocket";
  }

  void sendWelcome() {
    send(new JsonObject().put("type", "welcome").mergeIn(whoami()).toBuffer());
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
