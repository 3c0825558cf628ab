package io.herald.bridge.transport;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A {@link FrameSink} over any Vert.x write stream: back-pressure comes from the stream, and
 * {@code writer} says how a frame goes onto it (a chunk, a WebSocket text frame, a SockJS message),
 * and {@code closed} lets a stream that throws once closed read as not full instead.
 */
public record StreamSink(WriteStream<?> stream, Consumer<Buffer> writer, boolean coalesces, BooleanSupplier closed)
    implements FrameSink {

  /** A sink over a stream that can be asked whether it is full at any time. */
  public StreamSink(WriteStream<?> stream, Consumer<Buffer> writer, boolean coalesces) {
    this(stream, writer, coalesces, () -> false);
  }

  @Override
  public void write(Buffer frame) {
    writer.accept(frame);
  }

  @Override
  public boolean writeQueueFull() {
    return !closed.getAsBoolean() && stream.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    stream.drainHandler(handler);
  }
}
