package io.herald.bench;

import org.HdrHistogram.Histogram;

/**
 * Delivery counters and the end-to-end latency histogram (microseconds), confined to the generator's
 * event loop. When the subscribers are spread over several servers (W3), latency is also kept per
 * server, so that deliveries through another node can be told from those on the publishing one.
 */
final class Stats {

  static final long MAX_MICROS = 60_000_000L;

  final Histogram latency = histogram();
  /** Per server the subscribers are spread over; empty with one server. */
  Histogram[] byNode = new Histogram[0];
  boolean recording;
  long delivered;
  /** Buffers the subscribers read while recording: events per read shows how far the server coalesced its writes. */
  long reads;
  long lastEventNanos;
  long disconnects;

  static Histogram histogram() {
    return new Histogram(MAX_MICROS, 3);
  }

  void spread(int nodes) {
    byNode = new Histogram[nodes > 1 ? nodes : 0];
    for (int i = 0; i < byNode.length; i++) {
      byNode[i] = histogram();
    }
  }

  void reset() {
    reads = 0;
    latency.reset();
    for (Histogram h : byNode) {
      h.reset();
    }
  }

  void event(long latencyNanos, int node) {
    delivered++;
    if (recording) {
      lastEventNanos = System.nanoTime();
      long micros = Math.max(0, Math.min(latencyNanos / 1000, MAX_MICROS));
      latency.recordValue(micros);
      if (byNode.length > 0) {
        byNode[node].recordValue(micros);
      }
    }
  }
}
