package io.herald.bridge.presence;

import io.vertx.core.Future;
import java.util.function.Supplier;

class LocalPresenceStoreTest extends PresenceStoreContract {

  private final LocalPresenceStore store = new LocalPresenceStore();

  @Override
  protected PresenceStore store() {
    return store;
  }

  @Override
  protected <T> Future<T> call(Supplier<Future<T>> action) {
    return action.get();
  }
}
