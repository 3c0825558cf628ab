package io.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
  /**
   * When the socket read being scanned was taken ({@link #read}): the arrival time of every event
   * in it. One clock read per socket read, not one per event: at W1's peak a read carries tens of
   * events, and two clock reads per event were an eighth of the generator's CPU (async-profiler,
   * 2026-11-23).
   */
  long readNanos;
  long disconnects;
  /**
   * When asked (one address, whose sequence numbers tell events apart): per event, the latency of
   * its first and of its last delivery (µs). The first shows when the server began writing it (a
   * stalled loop delays every subscriber's); the last, when its fan-out ended.
   */
  boolean perEvent;
  final Map<Long, long[]> firstLast = new HashMap<>();
  /**
   * Per 100 ms of arrival while recording: the events over {@link #SLOW_MICROS} and the slowest
   * (µs). They tell a stall (all of a step's slow events in one or two windows) from a saturated
   * server (slow events throughout). The window is found once per socket read, and an event on
   * time costs one comparison.
   */
  static final long SLOW_MICROS = (long) (Report.P99_BOUND_MS * 1000);
  static final long WINDOW_NANOS = 100_000_000L;
  final int[] slowInWindow = new int[1200];
  final long[] slowestInWindow = new long[1200];
  long recordingSince;
  int window;

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
    firstLast.clear();
    latency.reset();
    recordingSince = System.nanoTime();
    Arrays.fill(slowInWindow, 0);
    Arrays.fill(slowestInWindow, 0);
    for (Histogram h : byNode) {
      h.reset();
    }
  }

  /** A subscriber's socket read is about to be scanned: its events arrived now. */
  void read() {
    readAt(System.nanoTime());
  }

  /** The same, with the read's time given. */
  void readAt(long nanos) {
    readNanos = nanos;
    if (recording) {
      reads++;
      window = (int) Math.min(slowInWindow.length - 1, (readNanos - recordingSince) / WINDOW_NANOS);
    }
  }

  /** An event found in the current read, sent at {@code sentNanos} on this process's clock. */
  void event(long seq, long sentNanos, int node) {
    delivered++;
    if (recording) {
      lastEventNanos = readNanos;
      long latencyNanos = readNanos - sentNanos;
      long micros = Math.max(0, Math.min(latencyNanos / 1000, MAX_MICROS));
      latency.recordValue(micros);
      if (micros >= SLOW_MICROS && window >= 0) {
        slowInWindow[window]++;
        slowestInWindow[window] = Math.max(slowestInWindow[window], micros);
      }
      if (byNode.length > 0) {
        byNode[node].recordValue(micros);
      }
      if (perEvent) {
        long[] range = firstLast.get(seq);
        if (range == null) {
          firstLast.put(seq, new long[] {micros, micros});
        } else {
          range[0] = Math.min(range[0], micros);
          range[1] = Math.max(range[1], micros);
        }
      }
    }
  }

  /**
   * The windows that held events over {@link #SLOW_MICROS}: the events over it, the windows they
   * came in, and the first few windows as "offset ms: events, slowest ms".
   */
  JsonObject slowWindows() {
    long events = 0;
    int windows = 0;
    JsonArray first = new JsonArray();
    for (int w = 0; w < slowInWindow.length; w++) {
      if (slowInWindow[w] > 0) {
        events += slowInWindow[w];
        windows++;
        if (first.size() < 20) {
          first.add(w * (WINDOW_NANOS / 1_000_000) + ": " + slowInWindow[w] + ", " + slowestInWindow[w] / 1000);
        }
      }
    }
    return new JsonObject().put("slowEvents", events).put("slowWindows", windows).put("slowWindowList", first);
  }
}
