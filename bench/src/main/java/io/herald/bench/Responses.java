package io.herald.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the answers to pipelined HTTP/1.1 requests off one socket: the status line and just enough
 * of the headers to find where each answer ends ({@code Content-Length} or chunked). Counts the
 * answers and reports the ones that are not 2xx with the start of their body.
 */
final class Responses {

  private byte[] data = new byte[4096];
  private int length;
  private int answered;
  // The answer being read: -1 while its head is incomplete.
  private int status = -1;
  private long bodyLeft;
  private boolean chunked;
  private int bodyStart;

  /** Takes bytes read from the socket; returns the failures among the answers they completed. */
  List<String> feed(Buffer buf) {
    append(buf.getBytes());
    List<String> failures = List.of();
    int pos = 0;
    while (true) {
      if (status < 0) {
        int end = indexOf(pos, "\r\n\r\n");
        if (end < 0) {
          break;
        }
        readHead(pos, end);
        pos = end + 4;
        bodyStart = pos;
      }
      int next = chunked ? chunkedEnd(pos) : pos + (int) bodyLeft <= length ? pos + (int) bodyLeft : -1;
      if (next < 0) {
        break;
      }
      if (status >= 300) {
        if (failures.isEmpty()) {
          failures = new ArrayList<>();
        }
        int n = Math.min(200, next - bodyStart);
        failures.add("HTTP " + status + " " + new String(data, bodyStart, n, StandardCharsets.UTF_8));
      }
      answered++;
      status = -1;
      pos = next;
    }
    // Keep the unread tail; a partial head is read again from its start next time.
    if (status >= 0) {
      // mid-body: keep from the body's start so a failure can still quote it
      pos = Math.min(pos, bodyStart);
      bodyStart -= pos;
    }
    System.arraycopy(data, pos, data, 0, length - pos);
    length -= pos;
    return failures;
  }

  /** Answers completed since the last call. */
  int takeAnswered() {
    int n = answered;
    answered = 0;
    return n;
  }

  private void readHead(int from, int end) {
    // "HTTP/1.1 200 OK"
    int sp = indexOf(from, " ");
    status = (data[sp + 1] - '0') * 100 + (data[sp + 2] - '0') * 10 + (data[sp + 3] - '0');
    String head = new String(data, from, end - from, StandardCharsets.ISO_8859_1).toLowerCase();
    chunked = head.contains("transfer-encoding: chunked");
    bodyLeft = 0;
    int cl = head.indexOf("content-length:");
    if (!chunked && cl >= 0) {
      int eol = head.indexOf("\r\n", cl);
      bodyLeft = Long.parseLong(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
    }
  }

  /** Where a chunked body starting at {@code pos} ends, or -1 if it has not all arrived. */
  private int chunkedEnd(int pos) {
    while (true) {
      int eol = indexOf(pos, "\r\n");
      if (eol < 0) {
        return -1;
      }
      String sizeLine = new String(data, pos, eol - pos, StandardCharsets.ISO_8859_1);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        int end = indexOf(eol, "\r\n\r\n");
        return end < 0 ? -1 : end + 4;
      }
      int next = eol + 2 + size + 2;
      if (next > length) {
        return -1;
      }
      pos = next;
    }
  }

  private int indexOf(int from, String needle) {
    byte first = (byte) needle.charAt(0);
    outer:
    for (int i = from; i <= length - needle.length(); i++) {
      if (data[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length(); j++) {
        if (data[i + j] != (byte) needle.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void append(byte[] bytes) {
    if (length + bytes.length > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, length + bytes.length));
    }
    System.arraycopy(bytes, 0, data, length, bytes.length);
    length += bytes.length;
  }
}
