package io.herald.bridge.error;

/**
 * Stable error codes shared by every transport: the HTTP API answers with the status and
 * {@code {"error":{"code","message"}}}, the frame protocols with {@code {"type":"err","code",...}}.
 * The codes are part of the protocol (docs/PROTOCOL.md); never rename one.
 */
public enum ErrorCode {
  BAD_REQUEST("bad-request", 400),
  BAD_JSON("bad-json", 400),
  BAD_FRAME("bad-frame", 400),
  UNKNOWN_OP("unknown-op", 400),
  BAD_ADDRESS("bad-address", 400),
  BAD_TYPE("bad-type", 400),
  BAD_DATA("bad-data", 400),
  TOO_MANY_ADDRESSES("too-many-addresses", 400),
  TOO_MANY_SUBSCRIPTIONS("too-many-subscriptions", 400),
  TOO_MANY_EVENTS("too-many-events", 400),
  TOO_MANY_REQUESTS("too-many-requests", 429),
  TOO_LARGE("too-large", 413),
  UNAUTHORIZED("unauthorized", 401),
  FORBIDDEN("forbidden", 403),
  NOT_FOUND("not-found", 404),
  NO_CONNECTION("no-connection", 404),
  METHOD_NOT_ALLOWED("method-not-allowed", 405),
  NO_HANDLER("no-handler", 503),
  UNAVAILABLE("unavailable", 503),
  TIMEOUT("timeout", 504),
  RECIPIENT_FAILURE("recipient-failure", 502),
  OWNER_UNAVAILABLE("owner-unavailable", 502),
  INTERNAL("internal", 500);

  private final String code;
  private final int httpStatus;

  ErrorCode(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The code with this wire name, or {@code null}. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code.equals(code)) {
        return candidate;
      }
    }
    return null;
  }
}
