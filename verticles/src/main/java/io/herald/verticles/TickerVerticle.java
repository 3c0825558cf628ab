package io.herald.verticles;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The demo's event source: publishes {@code {"n","time"}} to {@code public.ticker} once a second
 * with a plain event-bus publish, the way any microservice verticle would.
 */
public final class TickerVerticle extends VerticleBase {

  public static final String ADDRESS = "public.ticker";

  private long timer;
  private long n;

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(1000, id ->
        vertx.eventBus().publish(ADDRESS, new JsonObject().put("n", ++n).put("time", Instant.now().toString())));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
