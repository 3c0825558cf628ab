package io.herald.bridge.transport.frames;

import io.herald.bridge.envelope.JsonText;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.history.Position;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The frames the server sends besides events. Errors carry Herald's {@code code} and also the
 * {@code failureCode}/{@code failureType}/{@code message} fields that the stock Vert.x event-bus
 * client hands to a handler's error callback.
 */
final class ControlFrames {

  static final Buffer PONG = Buffer.buffer("{\"type\":\"pong\"}");

  private ControlFrames() {}

  static Buffer ack(Object ref, String op, String address) {
    JsonObject ack = new JsonObject().put("type", "ack").put("ref", ref).put("op", op);
    if (address != null) {
      ack.put("address", address);
    }
    return ack.toBuffer();
  }

  /** The acknowledgement of a register on an address with history carries the subscription's starting cursor. */
  static Buffer subscribed(Object ref, String address, Position position) {
    JsonObject ack = new JsonObject().put("type", "ack").put("ref", ref).put("op", "register").put("address", address);
    if (position != null) {
      ack.put("position", position.toString());
    }
    return ack.toBuffer();
  }

  static Buffer reset(String address, Position position) {
    return new JsonObject().put("type", "reset").put("address", address).put("position", position.toString()).toBuffer();
  }

  static Buffer authenticated(Object ref, long expiresAt) {
    JsonObject ack = new JsonObject().put("type", "ack").put("op", "auth").put("ref", ref);
    if (expiresAt != Long.MAX_VALUE) {
      ack.put("expiresAt", expiresAt);
    }
    return ack.toBuffer();
  }

  static Buffer published(Object ref, String eventId) {
    return new JsonObject().put("type", "ack").put("ref", ref).put("op", "publish").put("eventId", eventId).toBuffer();
  }

  static Buffer error(ErrorCode code, String message, String address, Object ref) {
    return error(code, message, address, ref, code.httpStatus(), code.code());
  }

  static Buffer error(ErrorCode code, String message, String address, Object ref, int failureCode, String failureType) {
    return error(code.code(), message, address, ref, failureCode, failureType);
  }

  static Buffer error(String code, String message, String address, Object ref, int failureCode, String failureType) {
    JsonObject err = new JsonObject()
        .put("type", "err")
        .put("code", code)
        .put("message", message)
        .put("failureCode", failureCode)
        .put("failureType", failureType);
    if (address != null) {
      err.put("address", address);
    }
    if (ref != null) {
      err.put("ref", ref);
    }
    return err.toBuffer();
  }

  /** A service's reply, delivered to the client's reply address as the event-bus bridge does. */
  static Buffer reply(String replyAddress, String bodyJson) {
    return Buffer.buffer("{\"type\":\"rec\",\"address\":" + JsonText.quoted(replyAddress)
        + ",\"body\":" + bodyJson + "}");
  }
}
