package io.herald.bridge.transport.sockjs;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.frames.FrameConnection;
import io.vertx.core.Promise;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/** One SockJS session (any SockJS transport) speaking the frame protocol. */
final class SockJsConnection extends FrameConnection {

  private final SockJSSocket socket;

  SockJsConnection(BridgeRuntime runtime, Identity identity, SockJSSocket socket) {
    super(runtime, identity);
    this.socket = socket;
    attach(new SessionSink(socket));
  }

  @Override
  public String transport() {
    return "sockjs";
  }

  /** SockJS sends its own heartbeat frames; liveness from the client comes from its bridge pings. */
  @Override
  protected void keepAlive() {}

  @Override
  protected boolean answersPing() {
    return false;
  }

  /**
   * vertx-web's SockJS session drops, on close, every write not yet handed to its transport, and a
   * write from the bridge's context reaches the transport only on a later turn: closing right after
   * writing the farewell lost it. The session closes once the farewell went out, or after this long
   * if the client never takes it (a poll that does not come).
   */
  private static final long FAREWELL_GRACE_MS = 1_000;

  @Override
  protected void closeTransport(CloseReason reason) {
    if (!reason.tellsClient()) {
      socket.close(reason.webSocketCode(), reason.code());
      return;
    }
    // Tracked until the session is closed, so a bridge shutting down keeps its server up until then.
    Promise<Void> closed = Promise.promise();
    runtime.connections().closing(closed.future());
    long grace = runtime.vertx().setTimer(FAREWELL_GRACE_MS, t -> {
      socket.close(reason.webSocketCode(), reason.code());
      closed.tryComplete();
    });
    socket.write(farewell(reason).toString()).onComplete(written -> {
      runtime.vertx().cancelTimer(grace);
      socket.close(reason.webSocketCode(), reason.code());
      closed.tryComplete();
    });
  }
}
