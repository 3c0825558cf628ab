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
  private Buffer sseBodies;
  private Buffer sseChunk;
  private Buffer sseBodiesChunk;
  private Buffer webSocketFrames;

  public EncodedBatch(List<EncodedEvent> events) {
    this.events = List.copyOf(events);
  }

  public List<EncodedEvent> events() {
    return events;
  }

  /** Every event's SSE form, in order, in one buffer. */
  public Buffer sse() {
    if (sse == null) {
      sse = concat(EncodedEvent::sse);
    }
    return sse;
  }

  /**
   * Every event's SSE form without its {@code id:} line, in one buffer: a batch of events without
   * positions in a stream whose cursor is its own, which they must not move.
   */
  public Buffer sseBodies() {
    if (sseBodies == null) {
      sseBodies = concat(EncodedEvent::sseBody);
    }
    return sseBodies;
  }

  /** {@link #sse()} as one HTTP/1.1 chunk, ready for the socket of a chunked stream. */
  public Buffer sseChunk() {
    if (sseChunk == null) {
      sseChunk = HttpChunks.of(sse());
    }
    return sseChunk;
  }

  /** {@link #sseBodies()} as one HTTP/1.1 chunk. */
  public Buffer sseBodiesChunk() {
    if (sseBodiesChunk == null) {
      sseBodiesChunk = HttpChunks.of(sseBodies());
    }
    return sseBodiesChunk;
  }

  /** Every event's WebSocket frame, in order, in one buffer: one write for the whole batch. */
  public Buffer webSocketFrames() {
    if (webSocketFrames == null) {
      webSocketFrames = concat(EncodedEvent::webSocketFrame);
    }
    return webSocketFrames;
  }

  private Buffer concat(java.util.function.Function<EncodedEvent, Buffer> form) {
    int size = 0;
    for (EncodedEvent event : events) {
      size += form.apply(event).length();
    }
    Buffer all = Buffer.buffer(size);
    for (EncodedEvent event : events) {
      all.appendBuffer(form.apply(event));
    }
    return all;
  }
}
