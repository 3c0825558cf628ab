package io.herald.bridge.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class HttpChunksTest {

  @Test
  void aChunkIsItsHexSizeTheBytesAndCrlfs() {
    assertEquals("5\r\nhello\r\n", HttpChunks.of(Buffer.buffer("hello")).toString());
    String long300 = "x".repeat(300);
    assertEquals("12c\r\n" + long300 + "\r\n", HttpChunks.of(Buffer.buffer(long300)).toString());
  }

  @Test
  void aChunkOfTextCountsItsUtf8Bytes() {
    assertEquals("6\r\nhéllo\r\n", HttpChunks.of("héllo").toString());
    assertEquals(HttpChunks.of(Buffer.buffer("data: x\n\n")), HttpChunks.of("data: x\n\n"));
  }

  @Test
  void nothingStaysNothingRatherThanEndingTheBody() {
    assertEquals(0, HttpChunks.of(Buffer.buffer()).length());
    assertEquals(0, HttpChunks.of("").length());
  }
}
