package io.herald.bridge.service;

import io.vertx.core.Future;

/**
 * Where an event goes: a user, a group, one connection, an address or everyone (see
 * {@link Herald}). The payload is written as JSON: a record, a POJO, a collection, a scalar, or
 * Vert.x JSON.
 */
public interface Recipient {

  /** The address the event is published to, which clients see as the event's {@code address}. */
  String address();

  /**
   * Publishes an event of this type.
   *
   * @return the event's id, as the clients see it; fails with a {@link io.herald.bridge.error.HeraldException}:
   *     {@code bad-address} for a malformed target, {@code bad-type} for a bad type, {@code bad-data}
   *     for a payload with no JSON form, {@code no-connection} when no node holds the connection,
   *     {@code unavailable} when the address keeps history and the history cannot be written
   */
  Future<String> send(String type, Object payload);

  /** Publishes an event of type {@value Herald#DEFAULT_TYPE}. */
  default Future<String> send(Object payload) {
    return send(Herald.DEFAULT_TYPE, payload);
  }
}
