package io.herald.bridge.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundInvoker;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A connection's TCP channel as a sink of ready-made wire bytes: WebSocket frames
 * ({@link io.herald.bridge.envelope.WebSocketFraming}) or HTTP chunks of an SSE stream
 * ({@link io.herald.bridge.envelope.HttpChunks}), built once per node. Writing them straight to the
 * channel skips, for every subscriber, the per-write work of Vert.x and of Netty's HTTP or
 * WebSocket encoder, which was most of the CPU of a fan-out beyond the system call itself.
 *
 * <p>Back-pressure is the channel's own writability: Vert.x's {@code writeQueueFull()} only counts
 * what went through Vert.x, so a handler at the front of the pipeline reports when the channel can
 * take more again.
 */
public final class ChannelSink implements FrameSink {

  private final Channel channel;
  private final ChannelOutboundInvoker entry;
  private final ChannelHandler writability;
  private Handler<Void> drain;

  /**
   * @param entry where writes enter the pipeline: the channel itself (its tail), or the context of
   *     an encoder whose work the bytes already carry, so that they pass only the handlers nearer
   *     the socket (TLS, for one)
   */
  public ChannelSink(Channel channel, ChannelOutboundInvoker entry) {
    this.channel = channel;
    this.entry = entry;
    this.writability = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && drain != null) {
          drain.handle(null);
        }
        ctx.fireChannelWritabilityChanged();
      }
    };
    channel.pipeline().addFirst(writability);
  }

  /**
   * Takes the writability handler off the pipeline: an SSE stream that ended leaves its HTTP/1.1
   * connection open for the client's next request, perhaps the next stream, which adds its own.
   */
  @Override
  public void release() {
    drain = null;
    if (channel.pipeline().context(writability) != null) {
      channel.pipeline().remove(writability);
    }
  }

  @Override
  public void write(Buffer bytes) {
    // Nothing waits for the write, so no promise is allocated; a closed channel takes nothing (its
    // close handler is about to close the connection).
    if (channel.isActive()) {
      entry.writeAndFlush(((BufferInternal) bytes).getByteBuf(), channel.voidPromise());
    }
  }

  /** A closed channel reads as not full, so a connection that is closing is not taken for a slow one. */
  @Override
  public boolean writeQueueFull() {
    return channel.isActive() && !channel.isWritable();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    this.drain = handler;
  }

  @Override
  public boolean coalesces() {
    return true;
  }
}
