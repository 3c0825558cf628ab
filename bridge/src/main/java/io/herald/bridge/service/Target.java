package io.herald.bridge.service;

import io.herald.bridge.error.HeraldException;
import io.vertx.core.Future;

/** A recipient of {@link NodeHerald}: its address, or why it has none, reported when it is used. */
record Target(NodeHerald herald, String address, HeraldException problem) implements Recipient {

  @Override
  public Future<String> send(String type, Object payload) {
    return problem != null ? Future.failedFuture(problem) : herald.publish(address, type, payload);
  }
}
