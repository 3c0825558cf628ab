package io.herald.bench;

import org.HdrHistogram.Histogram;

/** Delivery counters and the end-to-end latency histogram (microseconds), confined to the generator's event loop. */
final class Stats {

  final Histogram latency = new Histogram(60_000_000L, 3);
  boolean recording;
  long delivered;
  long lastEventNanos;
  long disconnects;

  void event(long latencyNanos) {
    delivered++;
    if (recording) {
      lastEventNanos = System.nanoTime();
      latency.recordValue(Math.max(0, Math.min(latencyNanos / 1000, 60_000_000L)));
    }
  }
}
