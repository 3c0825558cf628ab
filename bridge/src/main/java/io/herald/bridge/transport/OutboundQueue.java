package io.herald.bridge.transport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A connection's bounded outbound queue.
 *
 * <p>Frames go straight to the socket while it keeps up. When the socket's own write queue is full,
 * frames wait here; when this queue is full too, the client is too slow and {@code onOverflow} runs
 * (the connection closes with {@link CloseReason#SLOW_CONSUMER} and the client resumes after
 * reconnecting). Memory per slow client is therefore bounded by the queue's frame count, and the
 * frames themselves are the shared, once-encoded buffers. On a byte-stream sink the backlog is
 * coalesced into one write when the socket drains.
 */
public final class OutboundQueue {

  private final FrameSink sink;
  private final int capacity;
  private final IntConsumer onOverflow;
  // Empty while the socket keeps up, which is nearly always: a small array to start (the default is 17 slots).
  private final ArrayDeque<Buffer> backlog = new ArrayDeque<>(4);
  private boolean overflowed;
  private List<Promise<Void>> drainWaiters;

  /** @param onOverflow runs once, when the queue overflows, with the number of frames it discarded */
  public OutboundQueue(FrameSink sink, int capacity, IntConsumer onOverflow) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.sink = sink;
    this.capacity = capacity;
    this.onOverflow = onOverflow;
    sink.drainHandler(v -> drain());
  }

  /** @return false if the frame was not accepted because the queue overflowed */
  public boolean offer(Buffer frame) {
    if (overflowed) {
      return false;
    }
    if (backlog.isEmpty() && !sink.writeQueueFull()) {
      sink.write(frame);
      return true;
    }
    if (backlog.size() >= capacity) {
      overflowed = true;
      int discarded = backlog.size() + 1;
      clear();
      onOverflow.accept(discarded);
      return false;
    }
    backlog.add(frame);
    return true;
  }

  /** Frames waiting for the socket. */
  public int size() {
    return backlog.size();
  }

  /** Whether nothing is waiting and the socket can take more: the moment for a heartbeat. */
  public boolean idle() {
    return backlog.isEmpty() && !sink.writeQueueFull();
  }

  /**
   * Completes once nothing waits here any more: a replay of history writes its next page only then,
   * so a long replay paces itself to the client instead of overflowing the queue.
   */
  public Future<Void> drained() {
    if (backlog.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> waiter = Promise.promise();
    if (drainWaiters == null) {
      drainWaiters = new ArrayList<>(1);
    }
    drainWaiters.add(waiter);
    return waiter.future();
  }

  /** Drops what is waiting. */
  public void clear() {
    backlog.clear();
    releaseWaiters();
  }

  /** Drops what is waiting and releases the sink; called when the connection closes. */
  public void close() {
    clear();
    sink.release();
  }

  private void releaseWaiters() {
    if (drainWaiters != null) {
      List<Promise<Void>> waiters = drainWaiters;
      drainWaiters = null;
      waiters.forEach(Promise::tryComplete);
    }
  }

  private void drain() {
    if (backlog.isEmpty()) {
      return;
    }
    if (sink.coalesces()) {
      Buffer batch = Buffer.buffer();
      while (!backlog.isEmpty()) {
        batch.appendBuffer(backlog.poll());
      }
      sink.write(batch);
    } else {
      while (!backlog.isEmpty() && !sink.writeQueueFull()) {
        sink.write(backlog.poll());
      }
    }
    if (backlog.isEmpty()) {
      releaseWaiters();
    }
  }
}
