package io.herald.verticles.ready;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One condition a node must meet to take clients, named in {@code GET /ready}'s answer. A check may
 * be asynchronous (a store to ping, say); {@link Readiness} bounds how long it may take.
 */
public interface ReadinessCheck {

  /** The key of this check in the answer's {@code checks} object. */
  String name();

  Future<CheckState> state();

  /** A check that can answer at once, from state the node already holds. */
  static ReadinessCheck of(String name, Supplier<CheckState> probe) {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Future<CheckState> state() {
        return Future.succeededFuture(probe.get());
      }
    };
  }
}
