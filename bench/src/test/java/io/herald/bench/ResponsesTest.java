package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesTest {

  private static final String OK = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
  private static final String CHUNKED = "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n";
  private static final String DENIED = "HTTP/1.1 403 Forbidden\r\nContent-Length: 18\r\n\r\n{\"error\":\"denied\"}";

  @Test
  void countsPipelinedAnswersAndQuotesFailures() {
    Responses r = new Responses();
    List<String> failures = r.feed(Buffer.buffer(OK + CHUNKED + DENIED + OK));
    assertEquals(4, r.takeAnswered());
    assertEquals(List.of("HTTP 403 {\"error\":\"denied\"}"), failures);
    assertEquals(0, r.takeAnswered());
  }

  @Test
  void answersSplitAtEveryByteAreReadWhole() {
    String all = OK + DENIED + CHUNKED + OK;
    Responses r = new Responses();
    List<String> failures = new ArrayList<>();
    int answered = 0;
    for (int i = 0; i < all.length(); i++) {
      failures.addAll(r.feed(Buffer.buffer(all.substring(i, i + 1))));
      answered += r.takeAnswered();
    }
    assertEquals(4, answered);
    assertEquals(List.of("HTTP 403 {\"error\":\"denied\"}"), failures);
  }
}
