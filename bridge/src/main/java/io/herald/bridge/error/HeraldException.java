package io.herald.bridge.error;

import io.vertx.core.json.JsonObject;

/** A client's mistake or a refused operation, carrying the code the client is told. No stack trace: it is not a bug. */
public final class HeraldException extends RuntimeException {

  private final ErrorCode code;
  private final String address;

  public HeraldException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** A refusal that concerns one address, which an HTTP answer names so a client can tell which. */
  public HeraldException(ErrorCode code, String message, String address) {
    super(message, null, false, false);
    this.code = code;
    this.address = address;
  }

  /** The exception as a client error: itself, or {@code internal} for anything that is not one. */
  public static HeraldException of(Throwable failure) {
    return failure instanceof HeraldException known ? known : new HeraldException(ErrorCode.INTERNAL, "internal error");
  }

  public ErrorCode code() {
    return code;
  }

  /** The address the refusal concerns, or null. */
  public String address() {
    return address;
  }

  /** The body of an HTTP error answer. */
  public JsonObject toHttpBody() {
    JsonObject body = httpBody(code, getMessage());
    if (address != null) {
      body.getJsonObject("error").put("address", address);
    }
    return body;
  }

  public static JsonObject httpBody(ErrorCode code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code.code()).put("message", message));
  }
}
