package io.herald.bridge.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.VertxHandler;

/**
 * Ends a WebSocket whose client broke the protocol, most often with a frame over the size limit,
 * without resetting the TCP connection. Used by {@code /ws} and by SockJS's two WebSocket transports.
 *
 * <p>Netty's decoder refuses such a frame at its header, while the client may still be sending the
 * rest, and from then on drops whatever comes. Vert.x closes the channel at once on that error: the
 * rest of the frame then meets a closed socket, the kernel answers it with a reset, and a client
 * still writing (a browser sending a large message) loses the error and close frame it had not read
 * yet. It sees 1006, no reason, and reconnects to send the same frame again.
 *
 * <p>Here the error goes to the connection instead of to Vert.x, and the connection closes with its
 * farewell and close frame, but the channel stays open: once the close frame is written the node
 * ends its side only (a FIN, which tells the client at once), and goes on reading until the client
 * ends its own. From the error on, the close frame is watched for on its way to the channel, so the
 * order holds however the socket's writes reach the channel (straight, or through Vert.x's queue, or
 * after the turns SockJS's session takes to close). The decoder cannot see the client's answering
 * close frame any more, so a client that never ends its side is cut off by Vert.x's closing
 * timeout; so is one whose error came after the node had sent its close frame already. Under TLS
 * there is no half-close without breaking the session, and that timeout, or the client, ends it.
 *
 * <p>A message of several frames, each under the limit but over it together, is refused here too,
 * at the frame that takes it over, rather than by Vert.x's aggregator: that one reports it as an
 * exception of the socket, on which vertx-web shuts a SockJS session before the bridge can write
 * its farewell to it. The message's frames are dropped from there on; the client's close frame
 * still passes.
 */
public final class ViolationClose extends ChannelInboundHandlerAdapter {

  private static final String NAME = "herald-violation-close";
  private static final String WATCH = "herald-close-frame-watch";

  private final ContextInternal context;
  private final Handler<Throwable> close;
  private final int maxMessageSize;
  /** Bytes of the data message being received so far. */
  private long message;
  /** The client broke the protocol: the node's side ends once its close frame is written. */
  private boolean violated;

  private ViolationClose(ContextInternal context, int maxMessageSize, Handler<Throwable> close) {
    this.context = context;
    this.maxMessageSize = maxMessageSize;
    this.close = close;
  }

  /**
   * Call on the socket's context, after the upgrade; does nothing when {@code channel} carries no
   * WebSocket of Vert.x's or this is not its event loop. {@code close} closes the connection for
   * the error, writing the close frame at once or on a later turn.
   *
   * @param maxMessageSize the most bytes a message may have, over all its frames
   */
  public static void apply(Channel channel, int maxMessageSize, Handler<Throwable> close) {
    VertxHandler<?> handler = DirectWrites.webSocketHandler(channel);
    ChannelHandlerContext vertx = handler == null ? null : channel.pipeline().context(handler);
    ContextInternal context = ContextInternal.current();
    if (vertx != null && context != null && channel.pipeline().get(NAME) == null) {
      channel.pipeline().addBefore(vertx.name(), NAME, new ViolationClose(context, maxMessageSize, close));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    WebSocketFrame frame = (WebSocketFrame) msg;
    if (!violated) {
      message = (frame instanceof ContinuationWebSocketFrame ? message : 0) + frame.content().readableBytes();
      if (message > maxMessageSize) {
        violated(ctx, new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
            "a message over " + maxMessageSize + " bytes"));
      } else {
        if (frame.isFinalFragment()) {
          message = 0;
        }
        ctx.fireChannelRead(msg);
        return;
      }
    }
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof CorruptedWebSocketFrameException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    violated(ctx, cause);
  }

  private void violated(ChannelHandlerContext ctx, Throwable cause) {
    if (violated) {
      return;
    }
    violated = true;
    // Watched from now only: on the way of every write, a handler costs each event sent.
    ctx.pipeline().addBefore(ctx.name(), WATCH, new CloseFrameWatch());
    context.emit(cause, close);
  }

  /** Ends the node's side of the connection once a close frame is written. */
  private static final class CloseFrameWatch extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (!(msg instanceof CloseWebSocketFrame)) {
        ctx.write(msg, promise);
        return;
      }
      ChannelPromise written = promise.unvoid();
      ctx.write(msg, written);
      written.addListener(done -> {
        if (ctx.pipeline().get(SslHandler.class) == null && ctx.channel() instanceof DuplexChannel duplex) {
          duplex.shutdownOutput();
        }
      });
      ctx.pipeline().remove(this);
    }
  }
}
