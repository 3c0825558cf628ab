package io.herald.bridge.transport;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/** The socket under a connection, reduced to what the outbound queue needs. */
public interface FrameSink {

  void write(Buffer frame);

  boolean writeQueueFull();

  void drainHandler(Handler<Void> handler);

  /**
   * Whether frames may be concatenated into one write (a byte stream such as SSE) rather than
   * written one message at a time (WebSocket, SockJS).
   */
  boolean coalesces();

  /** The connection has closed: let go of anything the sink put on the socket (its connection may outlive it). */
  default void release() {
  }
}
