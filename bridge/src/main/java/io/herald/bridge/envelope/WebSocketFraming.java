package io.herald.bridge.envelope;

import io.vertx.core.buffer.Buffer;

/**
 * A server-to-client WebSocket text frame as bytes (RFC 6455 section 5.2): FIN and the text opcode,
 * the payload length, no mask (servers never mask). A frame built here is the same for every client,
 * so an event's frame is built once per node and concatenated frames go out in one write, as an SSE
 * batch does.
 *
 * <p>A frame without the RSV1 bit is a valid uncompressed message even where permessage-deflate was
 * negotiated (RFC 7692 section 6), and leaves the compression context alone.
 */
public final class WebSocketFraming {

  private WebSocketFraming() {}

  public static Buffer text(Buffer payload) {
    return header(payload.length()).appendBuffer(payload);
  }

  /** The same from the payload's bytes. */
  public static Buffer text(byte[] payload) {
    return header(payload.length).appendBytes(payload);
  }

  /** A frame's header, in a buffer with room for its payload. */
  private static Buffer header(int length) {
    Buffer frame;
    if (length < 126) {
      frame = Buffer.buffer(2 + length).appendByte((byte) 0x81).appendByte((byte) length);
    } else if (length <= 0xFFFF) {
      frame = Buffer.buffer(4 + length).appendByte((byte) 0x81).appendByte((byte) 126).appendUnsignedShort(length);
    } else {
      frame = Buffer.buffer(10 + length).appendByte((byte) 0x81).appendByte((byte) 127).appendLong(length);
    }
    return frame;
  }
}
