package io.herald.verticles.ready;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /ready}: {@code 200 {"status":"UP","checks":{...}}} when every check is up, else
 * {@code 503} with the same shape, naming the checks that are not. A load balancer or Kubernetes
 * readiness probe sends clients only to nodes that answer 200.
 *
 * <p>{@code GET /health} is a probe of the same shape with other checks: liveness (the event loops
 * run, see {@link EventLoops}). A draining or not-yet-joined node is alive, just not ready.
 */
public final class Readiness implements Handler<RoutingContext> {

  public static final String PATH = "/ready";
  public static final String HEALTH_PATH = "/health";
  /** A check that takes longer counts as down: a probe must answer within its own timeout. */
  private static final long CHECK_TIMEOUT_MS = 2_000;

  private final List<ReadinessCheck> checks;

  public Readiness(List<ReadinessCheck> checks) {
    this.checks = List.copyOf(checks);
  }

  /** A readiness with one more check, for what a node adds (a history store, say). */
  public Readiness with(ReadinessCheck check) {
    List<ReadinessCheck> more = new ArrayList<>(checks);
    more.add(check);
    return new Readiness(more);
  }

  /** The answer's body: {@code status} is UP, DOWN, or DRAINING when any check says so. */
  public Future<JsonObject> evaluate() {
    List<Future<CheckState>> states = checks.stream()
        // A check that throws, fails or hangs is down, never a 500 or a probe left waiting.
        .map(check -> Future.<Void>succeededFuture().compose(v -> check.state())
            .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .otherwise(CheckState.DOWN))
        .toList();
    return Future.join(states).transform(done -> {
      Map<String, Object> named = new LinkedHashMap<>();
      CheckState overall = CheckState.UP;
      for (int i = 0; i < checks.size(); i++) {
        CheckState state = states.get(i).result();
        named.put(checks.get(i).name(), state.name());
        if (state == CheckState.DRAINING) {
          overall = CheckState.DRAINING;
        } else if (state == CheckState.DOWN && overall == CheckState.UP) {
          overall = CheckState.DOWN;
        }
      }
      return Future.succeededFuture(new JsonObject().put("status", overall.name()).put("checks", new JsonObject(named)));
    });
  }

  @Override
  public void handle(RoutingContext rc) {
    evaluate().onSuccess(body -> rc.response()
        .setStatusCode("UP".equals(body.getString("status")) ? 200 : 503)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body.encode()));
  }
}
