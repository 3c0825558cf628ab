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
  private final LocalSessions sessions;
  /** The SockJS session's id, or {@code null} when the socket has none (SockJS's raw WebSocket). */
  private final String session;

  SockJsConnection(BridgeRuntime runtime, Identity identity, SockJSSocket socket, LocalSessions sessions, String session) {
    super(runtime, identity);
    this.socket = socket;
    this.sessions = sessions;
    this.session = session;
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
      closeSocket(reason);
      return;
    }
    // Tracked until the session is closed, so a bridge shutting down keeps its server up until then.
    Promise<Void> closed = Promise.promise();
    runtime.connections().closing(closed.future());
    long grace = runtime.vertx().setTimer(FAREWELL_GRACE_MS, t -> {
      closeSocket(reason);
      closed.tryComplete();
    });
    socket.write(farewell(reason).toString()).onComplete(written -> {
      runtime.vertx().cancelTimer(grace);
      closeSocket(reason);
      closed.tryComplete();
    });
  }

  private void closeSocket(CloseReason reason) {
    socket.close(reason.webSocketCode(), reason.code());
    if (session != null) {
      sessions.closed(session, socket);
    }
  }
}
