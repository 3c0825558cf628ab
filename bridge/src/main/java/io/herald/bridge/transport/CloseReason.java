package io.herald.bridge.transport;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;

/**
 * Why the server ended a connection. Each reason has a stable code (the SSE event name and the
 * {@code code} of the WebSocket and SockJS error frame), a WebSocket close code, and whether the
 * client should reconnect on its own.
 */
public enum CloseReason {
  /** The client went away or asked to close. */
  CLIENT_CLOSED("client-closed", (short) 1000, false),
  /**
   * The node is shutting down; reconnect (to another node). 1012 "service restart" rather than 1001
   * "going away": it tells a client that the service, not the page, is going, and to come back.
   */
  SHUTDOWN("shutdown", (short) 1012, true),
  /** The client read slower than events arrived and its bounded queue overflowed; reconnect and resume. */
  SLOW_CONSUMER("slow-consumer", (short) 4002, true),
  /** Nothing was heard from the client within the idle timeout. */
  IDLE_TIMEOUT("idle-timeout", (short) 4003, true),
  /** The connection's token expired and no fresh one arrived in time; reconnect with a new token. */
  TOKEN_EXPIRED("token-expired", (short) 4001, true),
  /** The client sent a message over the size limit; resending it would fail the same way. */
  TOO_LARGE("too-large", (short) 1009, false),
  /** The server could not set the connection up (its subscriptions failed to register). */
  SERVER_ERROR("server-error", (short) 1011, true),
  /** The transport failed (reset, write error). */
  TRANSPORT_ERROR("transport-error", (short) 1011, true);

  private final String code;
  private final short webSocketCode;
  private final boolean reconnect;

  CloseReason(String code, short webSocketCode, boolean reconnect) {
    this.code = code;
    this.webSocketCode = webSocketCode;
    this.reconnect = reconnect;
  }

  public String code() {
    return code;
  }

  public short webSocketCode() {
    return webSocketCode;
  }

  public boolean reconnect() {
    return reconnect;
  }

  /**
   * Why a WebSocket (raw, or under SockJS) failed. Vert.x reports a frame or message over the
   * server's limits as an exception (a corrupt frame from the decoder, or an overflow from its
   * message aggregator) and leaves the close to us: that is {@link #TOO_LARGE}, which tells the
   * client not to resend it; anything else is a {@link #TRANSPORT_ERROR}.
   */
  public static CloseReason ofSocketFailure(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupt) {
      return corrupt.closeStatus().code() == TOO_LARGE.webSocketCode() ? TOO_LARGE : TRANSPORT_ERROR;
    }
    boolean overflow = e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("overflow max message size");
    return overflow ? TOO_LARGE : TRANSPORT_ERROR;
  }

  /** Whether the client is still there to be told (it is not when it closed or the socket broke). */
  public boolean tellsClient() {
    return this != CLIENT_CLOSED && this != TRANSPORT_ERROR;
  }
}
