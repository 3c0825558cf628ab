package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain TCP socket, one request per connection, so a test controls every byte it
 * sends (methods, URIs and headers no HTTP client would let through) and sees the answer as it came.
 *
 * <p>An answer that starts but does not end (an event stream, a SockJS streaming transport) is
 * returned as {@code streamed} shortly after its head arrived, and the socket is closed: an abrupt
 * disconnect, as a client going away would do. A {@code 101} is returned at once and, unless the
 * caller asked to keep it, closed the same way.
 */
public final class RawHttp {

  /** How long a streamed answer is read after its head before the client hangs up. */
  private static final long STREAM_GRACE_MS = 150;

  /**
   * @param status the status code, or -1 if the server closed without answering
   * @param headers lower-cased names
   * @param body the body, de-chunked
   * @param streamed whether the answer was still going when the client hung up
   */
  public record Answer(int status, Map<String, String> headers, Buffer body, boolean streamed) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Vertx vertx;
  private final NetClient client;

  public RawHttp(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
  }

  /**
   * Builds a request; {@code Host}, {@code Content-Length} (when there is a body) and, unless the
   * headers name one, {@code Connection: close} are added.
   */
  public static Buffer request(String method, String uri, Map<String, String> headers, Buffer body) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(uri).append(" HTTP/1.1\r\n").append("Host: 127.0.0.1\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(body.length()).append("\r\n");
    }
    if (headers.keySet().stream().noneMatch("connection"::equalsIgnoreCase)) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    // Latin-1 keeps every char below 256 as one byte, which is how a fuzzer means it.
    Buffer request = Buffer.buffer(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    return body == null ? request : request.appendBuffer(body);
  }

  /** Sends the bytes and reads the answer; fails if none arrives within {@code timeoutMs}. */
  public Future<Answer> exchange(int port, Buffer request, long timeoutMs) {
    return exchange(port, request, timeoutMs, null);
  }

  /**
   * Like {@link #exchange(int, Buffer, long)}; after a {@code 101} the socket is handed to
   * {@code afterUpgrade} (which must close it) instead of being closed.
   */
  public Future<Answer> exchange(int port, Buffer request, long timeoutMs, java.util.function.Consumer<NetSocket> afterUpgrade) {
    return client.connect(port, "127.0.0.1").compose(socket -> {
      Reader reader = new Reader(vertx, socket, afterUpgrade);
      socket.handler(reader::feed);
      socket.closeHandler(v -> reader.closed());
      socket.exceptionHandler(e -> { });
      long id = vertx.setTimer(timeoutMs, t -> reader.timedOut());
      socket.write(request);
      return reader.answer.future().onComplete(done -> vertx.cancelTimer(id));
    });
  }

  public Future<Void> close() {
    return client.close();
  }

  private static final class Reader {
    final Vertx vertx;
    final NetSocket socket;
    final java.util.function.Consumer<NetSocket> afterUpgrade;
    final Promise<Answer> answer = Promise.promise();
    final Buffer received = Buffer.buffer();
    int status = -1;
    int headEnd = -1;
    Map<String, String> headers;
    boolean graceStarted;

    Reader(Vertx vertx, NetSocket socket, java.util.function.Consumer<NetSocket> afterUpgrade) {
      this.vertx = vertx;
      this.socket = socket;
      this.afterUpgrade = afterUpgrade;
    }

    void feed(Buffer chunk) {
      if (answer.future().isComplete()) {
        return;
      }
      received.appendBuffer(chunk);
      if (headEnd < 0 && !parseHead()) {
        return;
      }
      if (status == 101) {
        answer.tryComplete(new Answer(status, headers, Buffer.buffer(), false));
        if (afterUpgrade != null) {
          afterUpgrade.accept(socket);
        } else {
          socket.close();
        }
        return;
      }
      Buffer body = completeBody();
      if (body != null) {
        answer.tryComplete(new Answer(status, headers, body, false));
        socket.close();
      } else if (!graceStarted) {
        graceStarted = true;
        vertx.setTimer(STREAM_GRACE_MS, t -> {
          if (answer.tryComplete(new Answer(status, headers, partialBody(), true))) {
            socket.close();
          }
        });
      }
    }

    void closed() {
      if (headEnd < 0) {
        answer.tryFail("the server closed the connection without an answer; received: "
            + received.toString(StandardCharsets.ISO_8859_1));
      } else {
        answer.tryComplete(new Answer(status, headers, partialBody(), false));
      }
    }

    void timedOut() {
      if (headEnd < 0) {
        answer.tryFail("no answer in time; received: " + received.toString(StandardCharsets.ISO_8859_1));
      } else {
        answer.tryComplete(new Answer(status, headers, partialBody(), true));
      }
      socket.close();
    }

    private boolean parseHead() {
      String text = received.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        return false;
      }
      headEnd = end + 4;
      String[] lines = text.substring(0, end).split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      status = Integer.parseInt(statusLine[1]);
      headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
              (a, b) -> a + ", " + b);
        }
      }
      return true;
    }

    /** The body if it is complete, else null. */
    private Buffer completeBody() {
      String length = headers.get("content-length");
      if (length != null) {
        int n = Integer.parseInt(length);
        return received.length() - headEnd >= n ? received.getBuffer(headEnd, headEnd + n) : null;
      }
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        return dechunk(true);
      }
      if (status == 204 || status == 304) {
        return Buffer.buffer();
      }
      return null;
    }

    private Buffer partialBody() {
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        Buffer b = dechunk(false);
        return b == null ? Buffer.buffer() : b;
      }
      return received.getBuffer(headEnd, received.length());
    }

    /** De-chunks what arrived; with {@code complete}, null unless the last chunk arrived. */
    private Buffer dechunk(boolean complete) {
      Buffer out = Buffer.buffer();
      int at = headEnd;
      String text = received.toString(StandardCharsets.ISO_8859_1);
      while (true) {
        int lineEnd = text.indexOf("\r\n", at);
        if (lineEnd < 0) {
          return complete ? null : out;
        }
        String sizeText = text.substring(at, lineEnd).split(";", 2)[0].trim();
        int size;
        try {
          size = Integer.parseInt(sizeText, 16);
        } catch (NumberFormatException e) {
          return complete ? null : out;
        }
        if (size == 0) {
          return out;
        }
        int start = lineEnd + 2;
        if (received.length() < start + size) {
          if (!complete) {
            out.appendBuffer(received.getBuffer(start, received.length()));
          }
          return complete ? null : out;
        }
        out.appendBuffer(received.getBuffer(start, start + size));
        at = start + size + 2;
      }
    }
  }
}
