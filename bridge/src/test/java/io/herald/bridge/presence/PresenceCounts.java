package io.herald.bridge.presence;

import static io.herald.bridge.support.Http.await;

import io.herald.bridge.HeraldNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/** A node's presence count of an address, read on its member's event loop, for tests that wait for it to settle. */
final class PresenceCounts {

  private PresenceCounts() {}

  /** The count once {@code done} holds for it, or the last one read when {@code seconds} have passed. */
  static long countUntil(Vertx member, HeraldNode node, String address, long seconds, LongPredicate done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long count = await(onLoop(member, () -> node.presence().count(address)));
    while (!done.test(count) && System.nanoTime() < deadline) {
      await(onLoop(member, () -> member.timer(100)));
      count = await(onLoop(member, () -> node.presence().count(address)));
    }
    return count;
  }

  /** Runs {@code chain} on a context of {@code vertx}, where Vert.x wants its calls made. */
  static <T> Future<T> onLoop(Vertx vertx, Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }
}
