package io.herald.bridge.transport.websocket;

import io.herald.bridge.transport.FrameSink;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A WebSocket's TCP channel as a sink of ready-made frame bytes (see
 * {@link io.herald.bridge.envelope.WebSocketFraming}). Back-pressure is the channel's own
 * writability: Vert.x's {@code writeQueueFull()} only counts what went through Vert.x, so a handler
 * at the front of the pipeline reports when the channel can take more again.
 */
final class ChannelSink implements FrameSink {

  private final Channel channel;
  private Handler<Void> drain;

  ChannelSink(Channel channel) {
    this.channel = channel;
    channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && drain != null) {
          drain.handle(null);
        }
        ctx.fireChannelWritabilityChanged();
      }
    });
  }

  @Override
  public void write(Buffer frames) {
    // Nothing waits for the write, so no promise is allocated; a closed channel takes nothing (its
    // close handler is about to close the connection).
    if (channel.isActive()) {
      channel.writeAndFlush(((BufferInternal) frames).getByteBuf(), channel.voidPromise());
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
