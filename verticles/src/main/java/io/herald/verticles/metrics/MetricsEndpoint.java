package io.herald.verticles.metrics;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HttpErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter of the node (Herald's and Vert.x's) in Prometheus's text format.
 * Answers {@code 404 not-found} on a Vert.x built without Micrometer's Prometheus registry (an
 * application embedding the verticles with a Vert.x of its own).
 */
public final class MetricsEndpoint implements Handler<RoutingContext> {

  public static final String PATH = "/metrics";
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  public MetricsEndpoint(MeterRegistry registry) {
    this.registry = registry instanceof PrometheusMeterRegistry prometheus ? prometheus : null;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (registry == null) {
      HttpErrors.send(rc, ErrorCode.NOT_FOUND, "metrics are not enabled on this node");
      return;
    }
    // A scrape formats every meter (a few hundred, with JVM and Netty's): on a worker, not on the
    // event loop that serves this instance's clients.
    rc.vertx().executeBlocking(registry::scrape, false)
        .onSuccess(text -> rc.response()
            .putHeader("content-type", CONTENT_TYPE)
            .putHeader("cache-control", "no-store")
            .end(text))
        .onFailure(rc::fail);
  }
}
