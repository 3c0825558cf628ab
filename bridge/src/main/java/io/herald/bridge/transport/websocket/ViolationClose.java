package io.herald.bridge.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.VertxHandler;

/**
 * Ends a WebSocket whose client broke the protocol, most often with a frame over the size limit,
 * without resetting the TCP connection.
 *
 * <p>Netty's decoder refuses such a frame at its header, while the client may still be sending the
 * rest, and from then on drops whatever comes. Vert.x closes the channel at once on that error: the
 * rest of the frame then meets a closed socket, the kernel answers it with a reset, and a client
 * still writing (a browser sending a large message) loses the error and close frame it had not read
 * yet. It sees 1006, no reason, and reconnects to send the same frame again.
 *
 * <p>Here the error goes to the connection as before, which closes with its farewell and close
 * frame, but the channel stays open: once the close frame is written
 * the node ends its side only (a FIN, which tells the client at once), and goes on reading until
 * the client ends its own. The decoder cannot see the client's answering close frame any more, so
 * a client that never ends its side is cut off by Vert.x's closing timeout. Under TLS there is no
 * half-close without breaking the session, and that timeout, or the client, ends it.
 *
 * <p>Only for sockets whose writes go straight to the channel ({@link DirectWrites}): the close frame
 * must be on the channel before the node's side is shut.
 */
final class ViolationClose extends ChannelInboundHandlerAdapter {

  private static final String NAME = "herald-violation-close";

  private final ContextInternal context;
  private final Handler<Throwable> close;

  private ViolationClose(ContextInternal context, Handler<Throwable> close) {
    this.context = context;
    this.close = close;
  }

  /**
   * Call on the socket's context, after the upgrade, once {@link DirectWrites} applies. {@code close}
   * closes the connection for the error, writing the close frame before it returns.
   */
  static void apply(Channel channel, Handler<Throwable> close) {
    VertxHandler<?> handler = DirectWrites.webSocketHandler(channel);
    ChannelHandlerContext vertx = handler == null ? null : channel.pipeline().context(handler);
    ContextInternal context = ContextInternal.current();
    if (vertx != null && context != null && channel.pipeline().get(NAME) == null) {
      channel.pipeline().addBefore(vertx.name(), NAME, new ViolationClose(context, close));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof CorruptedWebSocketFrameException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    context.emit(cause, close);
    if (ctx.pipeline().get(SslHandler.class) == null && ctx.channel() instanceof DuplexChannel duplex) {
      // Flushed behind the close frame, so the node's side ends once that is written.
      ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> duplex.shutdownOutput());
    }
  }
}
