package io.herald.bridge.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbered events published on the event bus at a steady pace, and the check that a subscriber saw
 * every one of them after it connected, in order, with no gap and no duplicate.
 *
 * <p>Each event carries a key nobody else knows, so events that other clients publish to the same
 * address (a fuzzer may well) are told apart from the canary's own.
 */
public final class Canary {

  public static final String ADDRESS = "public.canary";

  private final Vertx vertx;
  private final String key = Long.toHexString(new SecureRandom().nextLong());
  private final AtomicLong published = new AtomicLong();
  private long timer = -1;

  public Canary(Vertx vertx) {
    this.vertx = vertx;
  }

  public void start(long periodMs) {
    timer = vertx.setPeriodic(periodMs, id -> {
      long n = published.get() + 1;
      vertx.eventBus().publish(ADDRESS, new JsonObject().put("key", key).put("n", n));
      published.set(n);
    });
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** The number of the last event published (0 before the first). */
  public long published() {
    return published.get();
  }

  /** The canary numbers in an SSE client's events, in arrival order. */
  public List<Long> seenBy(SseClient client) {
    List<Long> seen = new ArrayList<>();
    for (SseClient.Event event : client.events()) {
      if (!event.data().startsWith("{")) {
        continue;
      }
      JsonObject envelope = new JsonObject(event.data());
      if (ADDRESS.equals(envelope.getValue("address")) && envelope.getValue("data") instanceof JsonObject data) {
        number(data).ifPresent(seen::add);
      }
    }
    return seen;
  }

  /** The canary numbers in a frame client's {@code rec} frames, in arrival order. */
  public List<Long> seenBy(FrameClient client) {
    List<Long> seen = new ArrayList<>();
    for (JsonObject frame : client.history()) {
      if ("rec".equals(frame.getValue("type")) && ADDRESS.equals(frame.getValue("address"))
          && frame.getValue("body") instanceof JsonObject body) {
        number(body).ifPresent(seen::add);
      }
    }
    return seen;
  }

  private java.util.Optional<Long> number(JsonObject body) {
    return key.equals(body.getValue("key")) && body.getValue("n") instanceof Number n
        ? java.util.Optional.of(n.longValue())
        : java.util.Optional.empty();
  }

  /**
   * @param connectedAt {@link #published()} read once the subscription was confirmed: every later
   *     event must be there
   * @param mustReach the subscriber must have seen at least this number
   * @return what is wrong with the sequence, or {@code null} if nothing is
   */
  public static String problem(List<Long> seen, long connectedAt, long mustReach) {
    if (seen.isEmpty()) {
      return mustReach > connectedAt ? "saw no canary event; expected up to " + mustReach : null;
    }
    if (seen.get(0) > connectedAt + 1) {
      return "first canary seen is " + seen.get(0) + " but " + (connectedAt + 1) + " was published after it connected";
    }
    for (int i = 1; i < seen.size(); i++) {
      if (seen.get(i) != seen.get(i - 1) + 1) {
        return "canary " + seen.get(i - 1) + " was followed by " + seen.get(i) + " (a gap, duplicate or reordering)";
      }
    }
    long last = seen.get(seen.size() - 1);
    return last < mustReach ? "last canary seen is " + last + ", expected at least " + mustReach : null;
  }
}
