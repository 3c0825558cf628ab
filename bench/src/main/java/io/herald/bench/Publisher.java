package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Publishes at a fixed open-loop rate over keep-alive HTTP: every millisecond it sends what is due
 * by the clock, whatever the answers so far, as long as fewer than {@value #MAX_IN_FLIGHT} requests
 * are unanswered (past that it falls behind, which shows as an achieved rate below the offered one).
 * Each event is a ~100-byte JSON payload carrying its per-address sequence number and the
 * publishing process's {@code System.nanoTime()}.
 */
final class Publisher {

  static final int MAX_IN_FLIGHT = 256;
  static final int PAYLOAD_BYTES = 100;

  private final Vertx vertx;
  private final boolean herald;
  private final AddressBook book;
  private final String host;
  private final int port;
  private final String authorization;
  private final HttpClient client;
  private int cursor;

  Publisher(Vertx vertx, boolean herald, AddressBook book, String host, int port, String token) {
    this.vertx = vertx;
    this.herald = herald;
    this.book = book;
    this.host = host;
    this.port = port;
    this.authorization = token == null ? null : "Bearer " + token;
    // One address: one pipelined connection, so that events reach the server in sequence order.
    // Many addresses: a pool (consecutive events of one address are thousands of requests apart).
    boolean ordered = book.size() == 1;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0)
            .setPipelining(ordered).setPipeliningLimit(MAX_IN_FLIGHT),
        new PoolOptions().setHttp1MaxSize(ordered ? 1 : 64).setMaxWaitQueueSize(-1));
  }

  /** What one run did. */
  static final class Run {
    long requests;
    long events;
    long errors;
    long startNanos;
    long lastSendNanos;
    long doneNanos;
    String firstError;
    int inFlight;
    boolean stopped;
  }

  /**
   * Publishes {@code rate} events per second for {@code seconds}, {@code batch} events per request
   * (Herald's array form; Nchan takes one message per request). Completes once every request is answered.
   */
  Future<Run> run(double rate, double seconds, int batch) {
    if (!herald && batch != 1) {
      throw new IllegalArgumentException("Nchan publishes one message per request");
    }
    Run run = new Run();
    Promise<Run> done = Promise.promise();
    run.startNanos = System.nanoTime();
    long endNanos = run.startNanos + (long) (seconds * 1e9);
    long totalRequests = Math.max(1, Math.round(rate * seconds / batch));
    double requestsPerNano = rate / batch / 1e9;
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(1, t -> {
      long now = System.nanoTime();
      long due = Math.min(totalRequests, (long) ((now - run.startNanos) * requestsPerNano) + 1);
      while (run.requests < due && run.inFlight < MAX_IN_FLIGHT) {
        send(run, batch, done);
      }
      if (run.requests >= totalRequests || now > endNanos + 5_000_000_000L) {
        vertx.cancelTimer(timer[0]);
        run.stopped = true;
        if (run.inFlight == 0) {
          finish(run, done);
        }
      }
    });
    return done.future();
  }

  void close() {
    client.close();
  }

  private void send(Run run, int batch, Promise<Run> done) {
    Buffer body = Buffer.buffer(batch * 160);
    String uri;
    if (herald) {
      uri = "/api/publish";
      if (batch > 1) {
        body.appendByte((byte) '[');
      }
      for (int i = 0; i < batch; i++) {
        int a = next();
        if (i > 0) {
          body.appendByte((byte) ',');
        }
        body.appendString("{\"address\":\"").appendString(book.names[a]).appendString("\",\"data\":");
        payload(body, book.nextSeq[a]++);
        body.appendByte((byte) '}');
      }
      if (batch > 1) {
        body.appendByte((byte) ']');
      }
    } else {
      int a = next();
      uri = "/pub?id=" + book.names[a];
      payload(body, book.nextSeq[a]++);
    }
    run.requests++;
    run.events += batch;
    run.inFlight++;
    run.lastSendNanos = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(uri)
        .putHeader("Content-Type", "application/json");
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() >= 300) {
            throw new IllegalStateException("HTTP " + resp.statusCode() + " " + b);
          }
          return b;
        }))
        .onComplete(ar -> {
          run.inFlight--;
          if (ar.failed()) {
            run.errors++;
            if (run.firstError == null) {
              run.firstError = String.valueOf(ar.cause().getMessage());
            }
          }
          if (run.inFlight == 0 && run.stopped) {
            finish(run, done);
          }
        });
  }

  private static void finish(Run run, Promise<Run> done) {
    run.doneNanos = System.nanoTime();
    done.tryComplete(run);
  }

  private int next() {
    int a = cursor;
    cursor = cursor + 1 == book.size() ? 0 : cursor + 1;
    return a;
  }

  /** {"seq":S,"t":T,"pad":"xx…"} padded to {@value #PAYLOAD_BYTES} bytes. */
  static void payload(Buffer body, long seq) {
    int start = body.length();
    body.appendString("{\"seq\":").appendString(Long.toString(seq))
        .appendString(",\"t\":").appendString(Long.toString(System.nanoTime()))
        .appendString(",\"pad\":\"");
    int pad = PAYLOAD_BYTES - (body.length() - start) - 2;
    for (int i = 0; i < pad; i++) {
      body.appendByte((byte) 'x');
    }
    body.appendString("\"}");
  }
}
