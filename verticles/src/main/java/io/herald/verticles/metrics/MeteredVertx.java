package io.herald.verticles.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.UUID;

/**
 * How a node's Vert.x is built: with Vert.x's Micrometer metrics (HTTP server, event bus, net,
 * worker pools, JVM, Netty event loops and buffer allocators) in a Prometheus registry of its own,
 * which Herald's meters join ({@code HeraldMetrics}) and {@code GET /metrics} serves.
 */
public final class MeteredVertx {

  private MeteredVertx() {}

  /** A builder to finish with {@code build()}, or with a cluster manager and {@code buildClustered()}. */
  public static VertxBuilder builder() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setNettyMetricsEnabled(true)
        // vertx-micrometer-metrics keeps registries in a JVM-wide table by this name, and a second
        // Vert.x under a name already there would report into the first one's registry.
        .setRegistryName("herald-" + UUID.randomUUID());
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
        .withMetrics(new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }
}
