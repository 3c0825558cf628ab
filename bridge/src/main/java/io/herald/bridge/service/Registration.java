package io.herald.bridge.service;

import io.vertx.core.Future;

/** A service or listener registered on the event bus by {@link Herald}. */
public interface Registration {

  String address();

  /** Stops receiving; completes once the cluster no longer routes to it. */
  Future<Void> unregister();
}
