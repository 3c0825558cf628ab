package io.herald.bridge.envelope;

import io.vertx.core.buffer.Buffer;

/**
 * An envelope with its wire forms, each built at most once per node and then written as the same
 * {@link Buffer} to every subscriber.
 *
 * <p>Confined to the event loop that received the event (the forms are built lazily, without locks).
 */
public final class EncodedEvent {

  private final Envelope envelope;
  private Buffer sse;
  private Buffer sseBody;
  private Buffer sseChunk;
  private Buffer sseBodyChunk;
  private Buffer frame;
  private Buffer webSocketFrame;

  public EncodedEvent(Envelope envelope) {
    this.envelope = envelope;
  }

  public Envelope envelope() {
    return envelope;
  }

  /** The SSE event: {@code id:} the cursor, {@code event:} the type, {@code data:} the envelope JSON. */
  public Buffer sse() {
    if (sse == null) {
      sse = WireText.bytes(sseText(true));
    }
    return sse;
  }

  /**
   * The SSE event without its {@code id:} line: for a stream whose cursor is its own (it covers
   * several addresses), which writes its {@code id:} line first, and for an event that must not
   * move a stream's cursor.
   */
  public Buffer sseBody() {
    if (sseBody == null) {
      sseBody = WireText.bytes(sseText(false));
    }
    return sseBody;
  }

  /**
   * {@link #sse()} as an HTTP/1.1 chunk, ready for the socket of a chunked stream; made from the
   * text when no subscriber needed the plain form (HTTP/1.1 streams are nearly all of them).
   */
  public Buffer sseChunk() {
    if (sseChunk == null) {
      sseChunk = sse != null ? HttpChunks.of(sse) : WireText.chunk(sseText(true));
    }
    return sseChunk;
  }

  /** {@link #sseBody()} as an HTTP/1.1 chunk. */
  public Buffer sseBodyChunk() {
    if (sseBodyChunk == null) {
      sseBodyChunk = sseBody != null ? HttpChunks.of(sseBody) : WireText.chunk(sseText(false));
    }
    return sseBodyChunk;
  }

  /**
   * The SSE event's text, with or without its {@code id:} line, in the event loop's builder
   * ({@link WireText}): every SSE form is made from it, the envelope's JSON written straight in.
   */
  private StringBuilder sseText(boolean withId) {
    StringBuilder text = WireText.builder();
    SseFormat.appendJsonEvent(text, withId ? envelope.id() : null, envelope.type(), envelope::appendJson);
    return text;
  }

  /**
   * The {@code rec} frame of the WebSocket and SockJS protocol: the Vert.x event-bus bridge's
   * {@code {"type":"rec","address","body"}} plus Herald's {@code id}, {@code event} and {@code ts}.
   */
  public Buffer frame() {
    if (frame == null) {
      frame = WireText.bytes(recText());
    }
    return frame;
  }

  /**
   * The {@link #frame()} inside a WebSocket text frame's bytes, ready for the socket; made from the
   * text when no subscriber needed the plain frame (a node of WebSocket clients only).
   */
  public Buffer webSocketFrame() {
    if (webSocketFrame == null) {
      webSocketFrame = frame != null ? WebSocketFraming.text(frame) : WireText.webSocketFrame(recText());
    }
    return webSocketFrame;
  }

  private StringBuilder recText() {
    StringBuilder text = WireText.builder();
    Frames.appendRec(text, envelope);
    return text;
  }
}
