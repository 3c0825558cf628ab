package io.herald.bridge.service;

import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;

/** A {@link Registration} that is one event-bus consumer. */
record ConsumerRegistration(String address, MessageConsumer<?> consumer) implements Registration {

  @Override
  public Future<Void> unregister() {
    return consumer.unregister();
  }
}
