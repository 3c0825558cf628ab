package io.herald.bridge.envelope;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 chunked transfer coding (RFC 9112, section 7.1): a chunk is its size in hex, CRLF, the
 * bytes, CRLF. An SSE stream's events are framed so once per node and written to every socket as
 * they are, without passing through the HTTP encoder of each connection.
 */
public final class HttpChunks {

  private static final byte[] CRLF = {'\r', '\n'};

  private HttpChunks() {}

  /** {@code bytes} as one chunk; an empty buffer stays empty (a zero-size chunk would end the body). */
  public static Buffer of(Buffer bytes) {
    if (bytes.length() == 0) {
      return bytes;
    }
    return header(bytes.length()).appendBuffer(bytes).appendBytes(CRLF);
  }

  /** {@code text}'s UTF-8 bytes as one chunk, made without an intermediate buffer of the text. */
  public static Buffer of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      return Buffer.buffer();
    }
    return header(bytes.length).appendBytes(bytes).appendBytes(CRLF);
  }

  /** A buffer holding a chunk's size line, with room for its bytes and the closing CRLF. */
  private static Buffer header(int length) {
    byte[] size = Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(size.length + length + 4).appendBytes(size).appendBytes(CRLF);
  }
}
