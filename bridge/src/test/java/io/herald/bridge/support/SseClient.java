package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.internal.http.HttpClientInternal;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An EventSource over a Vert.x {@link HttpClient}, parsing the stream as the WHATWG HTML specification
 * says (section "Server-sent events", "Interpreting an event stream"). Handlers run on the client's
 * event loop; the test thread reads through the synchronized accessors and the futures.
 */
public final class SseClient {

  /**
   * One dispatched event.
   *
   * @param id the {@code id} field of this event's block, or {@code null} if it had none
   * @param type the event type ({@code message} when the block named none)
   * @param data the data lines joined with LF
   */
  public record Event(String id, String type, String data) {}

  private final HttpClientResponse response;
  private final Parser parser;
  private final List<Event> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final List<Waiter<?>> waiters = new ArrayList<>();
  private final Promise<Void> ended = Promise.promise();
  private Long retry;
  private boolean over;
  private Throwable failure;

  private SseClient(HttpClientResponse response) {
    this.response = response;
    this.parser = new Parser(this::onEvent, this::onComment, this::onRetry);
    response.handler(parser::feed);
    response.endHandler(v -> finish(null));
    response.exceptionHandler(this::finish);
  }

  /** Opens a stream; fails with the status and body when the server answers anything but 200. */
  public static Future<SseClient> connect(HttpClient client, int port, String requestUri) {
    return connect(client, port, requestUri, null);
  }

  /**
   * Opens a stream sending {@code Authorization: Bearer <token>} when the token is not null; fails
   * with a {@link Refused} when the server answers anything but 200.
   */
  public static Future<SseClient> connect(HttpClient client, int port, String requestUri, String bearerToken) {
    return connect(client, port, requestUri, bearerToken, null);
  }

  /** Reconnects as EventSource does: the same URI, with {@code Last-Event-ID} set to the last id seen. */
  public static Future<SseClient> resume(HttpClient client, int port, String requestUri, String lastEventId) {
    return connect(client, port, requestUri, null, lastEventId);
  }

  /**
   * Runs on the client's event loop wherever it is called from: from a test thread, a callback on
   * an already completed future runs on that thread, and the response's handler could be set after
   * its first chunks had gone by (the stream then never showed its connected event).
   */
  private static Future<SseClient> connect(HttpClient client, int port, String requestUri, String bearerToken, String lastEventId) {
    Promise<SseClient> opened = Promise.promise();
    ((HttpClientInternal) client).vertx().getOrCreateContext().runOnContext(v ->
        open(client, port, requestUri, bearerToken, lastEventId).onComplete(opened));
    return opened.future();
  }

  private static Future<SseClient> open(HttpClient client, int port, String requestUri, String bearerToken, String lastEventId) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", requestUri)
        .compose(request -> {
          if (bearerToken != null) {
            request.putHeader("authorization", "Bearer " + bearerToken);
          }
          if (lastEventId != null) {
            request.putHeader("last-event-id", lastEventId);
          }
          return request.putHeader("accept", "text/event-stream").send();
        })
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(new SseClient(response))
            : response.body().compose(body -> Future.failedFuture(
                new Refused(response.statusCode(), response.getHeader("www-authenticate"), body.toString()))));
  }

  /** The server refused to open the stream: its status, {@code WWW-Authenticate} header and body. */
  public static final class Refused extends RuntimeException {
    public final int status;
    public final String wwwAuthenticate;
    public final String body;

    Refused(int status, String wwwAuthenticate, String body) {
      super("status " + status + ": " + body, null, false, false);
      this.status = status;
      this.wwwAuthenticate = wwwAuthenticate;
      this.body = body;
    }
  }

  public HttpVersion version() {
    return response.version();
  }

  public String header(String name) {
    return response.getHeader(name);
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Events of one type, in arrival order. */
  public synchronized List<Event> events(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  public synchronized List<String> comments() {
    return List.copyOf(comments);
  }

  /** The last {@code retry} hint, or {@code null}. */
  public synchronized Long retry() {
    return retry;
  }

  public String lastEventId() {
    return parser.lastEventId();
  }

  /** Completes with the first {@code connected} event. */
  public Future<Event> connected() {
    return when(() -> first("connected", 0));
  }

  /** Completes with the {@code n}-th (1-based) event of the type. */
  public Future<Event> nth(String type, int n) {
    return when(() -> first(type, n - 1));
  }

  /** Completes once the stream has carried at least {@code n} comments. */
  public Future<Integer> comments(int n) {
    return when(() -> comments.size() >= n ? comments.size() : null);
  }

  /** Completes when the response ends or the connection breaks. */
  public Future<Void> ended() {
    return ended.future();
  }

  /** What broke the stream, or {@code null} while it runs and after it ended cleanly. */
  public synchronized Throwable failure() {
    return failure;
  }

  public void pause() {
    response.pause();
  }

  public void resume() {
    response.resume();
  }

  /** Closes the TCP connection (all of its streams, on HTTP/2). */
  public Future<Void> close() {
    return response.request().connection().close();
  }

  /** Resets this request's stream only (HTTP/2), or the connection (HTTP/1.x). */
  public Future<Void> reset() {
    return response.request().reset();
  }

  private Event first(String type, int skip) {
    for (Event event : events) {
      if (event.type().equals(type) && skip-- == 0) {
        return event;
      }
    }
    return null;
  }

  private synchronized void onEvent(Event event) {
    events.add(event);
    check();
  }

  private synchronized void onComment(String comment) {
    comments.add(comment);
    check();
  }

  private synchronized void onRetry(long millis) {
    retry = millis;
  }

  private synchronized void finish(Throwable cause) {
    if (!over) {
      failure = cause;
    }
    over = true;
    check();
    ended.tryComplete();
  }

  private synchronized <T> Future<T> when(Supplier<T> probe) {
    Waiter<T> waiter = new Waiter<>(probe, Promise.promise());
    waiters.add(waiter);
    check();
    return waiter.promise.future();
  }

  /** Completes the waiters whose condition now holds, and fails the rest once the stream is over. */
  private void check() {
    for (Iterator<Waiter<?>> it = waiters.iterator(); it.hasNext(); ) {
      if (it.next().settle(over, events.size())) {
        it.remove();
      }
    }
  }

  private record Waiter<T>(Supplier<T> probe, Promise<T> promise) {
    boolean settle(boolean over, int seen) {
      T value = probe.get();
      if (value != null) {
        promise.complete(value);
        return true;
      }
      if (over) {
        promise.fail("the stream ended after " + seen + " events");
        return true;
      }
      return false;
    }
  }

  /**
   * The event-stream parser: bytes in, events, comments and retry hints out. Lines end at CRLF, LF
   * or CR (also when a CRLF is split across chunks); lines are decoded as UTF-8 once complete, so a
   * character split across chunks is fine.
   */
  public static final class Parser {
    private final Consumer<Event> onEvent;
    private final Consumer<String> onComment;
    private final Consumer<Long> onRetry;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String idField;
    private String lastEventId = "";
    private boolean afterCr;
    private boolean started;

    public Parser(Consumer<Event> onEvent, Consumer<String> onComment, Consumer<Long> onRetry) {
      this.onEvent = onEvent;
      this.onComment = onComment;
      this.onRetry = onRetry;
    }

    public void feed(Buffer chunk) {
      for (int i = 0; i < chunk.length(); i++) {
        byte b = chunk.getByte(i);
        if (b == '\n' && afterCr) {
          afterCr = false;
          continue;
        }
        afterCr = b == '\r';
        if (b == '\r' || b == '\n') {
          processLine(line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else {
          line.write(b);
        }
      }
    }

    public String lastEventId() {
      return lastEventId;
    }

    private void processLine(String text) {
      if (!started) {
        started = true;
        if (text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
      }
      if (text.isEmpty()) {
        dispatch();
        return;
      }
      if (text.charAt(0) == ':') {
        onComment.accept(text.substring(1));
        return;
      }
      int colon = text.indexOf(':');
      String field = colon < 0 ? text : text.substring(0, colon);
      String value = colon < 0 ? "" : text.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "data" -> data.append(value).append('\n');
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            lastEventId = value;
            idField = value;
          }
        }
        case "retry" -> {
          if (!value.isEmpty() && value.length() < 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            onRetry.accept(Long.parseLong(value));
          }
        }
        default -> { }
      }
    }

    private void dispatch() {
      String id = idField;
      idField = null;
      if (data.length() == 0) {
        type = "";
        return;
      }
      String text = data.substring(0, data.length() - 1);
      Event event = new Event(id, type.isEmpty() ? "message" : type, text);
      data.setLength(0);
      type = "";
      onEvent.accept(event);
    }
  }
}
