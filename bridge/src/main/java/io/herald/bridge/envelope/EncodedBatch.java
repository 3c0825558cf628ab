package io.herald.bridge.envelope;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Events of one address that piled up while the event loop was busy, handed to every subscriber
 * together. On a byte-stream transport the whole batch is one buffer, built once and written once
 * per subscriber: one write and one flush for many events, which is where fan-out CPU goes.
 *
 * <p>Confined to the event loop that received the events, like {@link EncodedEvent}.
 */
public final class EncodedBatch {

  private final List<EncodedEvent> events;
  private Buffer sse;

  public EncodedBatch(List<EncodedEvent> events) {
    this.events = List.copyOf(events);
  }

  public List<EncodedEvent> events() {
    return events;
  }

  /** Every event's SSE form, in order, in one buffer. */
  public Buffer sse() {
    if (sse == null) {
      int size = 0;
      for (EncodedEvent event : events) {
        size += event.sse().length();
      }
      Buffer all = Buffer.buffer(size);
      for (EncodedEvent event : events) {
        all.appendBuffer(event.sse());
      }
      sse = all;
    }
    return sse;
  }
}
