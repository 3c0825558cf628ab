package io.herald.bridge.transport.sockjs;

import io.herald.bridge.transport.FrameSink;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * A SockJS session as a sink, with back-pressure from the session's own write acknowledgements.
 *
 * <p>vertx-web's session says it is full only while messages wait for a poll, hands them to its
 * websocket and streaming transports without asking whether those can take them, and calls a drain
 * handler once and then forgets it. So the session's {@code writeQueueFull()} and
 * {@code drainHandler()} are not used: a write counts here until vertx-web reports it written to the
 * client (its future completes), and the sink is full while more than {@link #HIGH_WATER}
 * characters are unacknowledged, as vertx-web's own session queue is.
 */
final class SessionSink implements FrameSink {

  /** Characters written but not yet acknowledged beyond which the session counts as full. */
  static final int HIGH_WATER = 64 * 1024;

  private final SockJSSocket socket;
  private long unacknowledged;
  private Handler<Void> drain;

  SessionSink(SockJSSocket socket) {
    this.socket = socket;
  }

  @Override
  public void write(Buffer frame) {
    // As text: SockJS's raw WebSocket endpoint sends a Buffer as a binary message, and the protocol
    // is JSON text. The session transports turn a Buffer into a String anyway.
    String text = frame.toString();
    int size = text.length();
    unacknowledged += size;
    socket.write(text).onComplete(done -> acknowledged(size));
  }

  private void acknowledged(int size) {
    boolean wasFull = writeQueueFull();
    unacknowledged -= size;
    if (wasFull && !writeQueueFull() && drain != null) {
      drain.handle(null);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return unacknowledged >= HIGH_WATER;
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    this.drain = handler;
  }

  @Override
  public boolean coalesces() {
    return false;
  }

  @Override
  public void release() {
    drain = null;
  }
}
