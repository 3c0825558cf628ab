package io.herald.bridge.transport.websocket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Text frames over an already-encoded UTF-8 buffer.
 *
 * <p>The public {@code WebSocketFrame.textFrame} takes a {@code String}, which would re-encode the
 * event for every subscriber; wrapping the shared buffer's bytes (a duplicate view, not a copy)
 * keeps encode-once. This is the one place that touches Vert.x internals for it.
 */
final class TextFrames {

  private TextFrames() {}

  static WebSocketFrame of(Buffer utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true);
  }
}
