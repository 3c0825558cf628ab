package io.herald.bridge.transport.frames;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.history.Position;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.transport.BaseConnection;
import io.herald.bridge.transport.CloseReason;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * A connection that speaks the JSON frame protocol (docs/PROTOCOL.md): raw WebSocket and SockJS.
 * Subclasses supply the socket; the protocol itself lives in {@link FrameProtocol}.
 */
public abstract class FrameConnection extends BaseConnection {

  /** Frames that arrived while an earlier one waited for its token to be verified. */
  private static final int MAX_HELD_FRAMES = 64;

  private long lastHeard = System.currentTimeMillis();
  private int pendingReplies;
  private final ArrayDeque<String> held = new ArrayDeque<>(2);
  private boolean holding;
  private String token;

  protected FrameConnection(BridgeRuntime runtime, Identity identity) {
    super(runtime, identity);
  }

  /** One complete text message from the client. */
  public final void onText(String text) {
    if (isClosed()) {
      // The socket may outlive the connection a little (a farewell on its way): a closed connection
      // acts no more, least of all with the identity it was closed for (an expired token).
      return;
    }
    heard();
    if (holding) {
      if (held.size() >= MAX_HELD_FRAMES) {
        sendError(ErrorCode.TOO_MANY_REQUESTS, "frames arrive faster than their tokens are verified", null, null);
      } else {
        held.add(text);
      }
      return;
    }
    process(text);
  }

  /** Frames are handled in arrival order, even when one of them waits for a token check. */
  private void process(String text) {
    Future<Void> done = FrameProtocol.handle(this, text);
    if (done.isComplete()) {
      return;
    }
    holding = true;
    done.onComplete(v -> {
      holding = false;
      while (!holding && !held.isEmpty() && !isClosed()) {
        process(held.poll());
      }
    });
  }

  /** The protocol is JSON text; a binary message is answered with an error and otherwise ignored. */
  public final void onBinary() {
    if (isClosed()) {
      return;
    }
    heard();
    sendError(ErrorCode.BAD_FRAME, "frames are JSON text; binary frames are not part of the protocol", null, null);
  }

  /** Anything from the client (a pong included) proves it is alive. */
  public final void heard() {
    lastHeard = System.currentTimeMillis();
  }

  @Override
  protected final void onTick(long now, boolean heartbeat) {
    long idleTimeout = runtime.options().getIdleTimeout().toMillis();
    if (now - lastHeard > idleTimeout) {
      close(CloseReason.IDLE_TIMEOUT);
    } else if (heartbeat && (!deliveredSinceLastBeat() || now - lastHeard >= idleTimeout / 2)) {
      // A stream that carried events needs no keep-alive for the proxies on its way, only for
      // liveness: its client is asked once half the idle timeout has passed without a word from
      // it, which leaves it the other half to answer (one ping per 30 s instead of per 15 s by
      // default, on each busy connection, and as many pongs fewer to read).
      keepAlive();
    }
  }

  @Override
  protected Buffer wireForm(EncodedEvent event) {
    return event.frame();
  }

  /** {@code {"type":"reset","address","position"}}: the cursor given for the address could not be continued. */
  @Override
  protected final Buffer resetFrame(String address, Position head) {
    return ControlFrames.reset(address, head);
  }

  /**
   * Sends a transport-level keep-alive if the transport has one of its own to send: at every
   * heartbeat to a quiet stream, and to a busy one when its client has been silent for half the
   * idle timeout, since the client's answer is what keeps it from that timeout.
   */
  protected abstract void keepAlive();

  /**
   * Whether a {@code ping} frame is answered with {@code pong}. The stock Vert.x SockJS client pings
   * without expecting an answer (and logs a warning for a frame it has no handler for).
   */
  protected abstract boolean answersPing();

  /** Writes the farewell error frame directly: the queue may be exactly what is full. */
  protected final Buffer farewell(CloseReason reason) {
    return ControlFrames.error(reason.code(), "connection closed: " + reason.code(), null, null,
        reason.webSocketCode(), reason.reconnect() ? "RECONNECT" : "CLOSED");
  }

  /** Whether this exact token is the one the connection's identity came from. */
  final boolean hasToken(String candidate) {
    return candidate.equals(token);
  }

  final void rememberToken(String accepted) {
    token = accepted;
  }

  final BridgeRuntime runtime() {
    return runtime;
  }

  final void reply(Buffer frame) {
    send(frame);
  }

  final void sendError(ErrorCode code, String message, String address, Object ref) {
    send(ControlFrames.error(code, message, address, ref));
  }

  final boolean reservePendingReply() {
    if (pendingReplies >= runtime.options().getMaxPendingReplies()) {
      return false;
    }
    pendingReplies++;
    return true;
  }

  final void releasePendingReply() {
    pendingReplies--;
  }
}
