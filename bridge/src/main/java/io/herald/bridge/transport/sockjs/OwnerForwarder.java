package io.herald.bridge.transport.sockjs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-proxies one SockJS request to the node that holds its session, and streams the answer
 * back as it arrives, with backpressure: xhr-streaming, eventsource and htmlfile answers are
 * long-lived streams, and a poll's answer may take up to a heartbeat interval.
 *
 * <p>Every forwarded request gets a connection of its own. vertx-web closes the connection after
 * each poll answer, so a pooled connection could be handed out just as the owner closes it; and on
 * a fresh connection, a failure to connect means that nothing was sent, so the caller may still
 * answer the request itself ({@link OwnerUnreachable}).
 */
final class OwnerForwarder {

  /** Marks a forwarded request: the node receiving it answers it itself and never forwards it again. */
  static final String FORWARDED_HEADER = "herald-forwarded";
  /** Connections open to one owner at once (each forwarded stream holds one); more requests wait. */
  static final int MAX_CONNECTIONS_PER_OWNER = 256;
  private static final int MAX_WAITING_PER_OWNER = 256;
  /** A TCP connect to a live node takes milliseconds on a cluster's network; past this the node counts as gone. */
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  /** Longest wait for a connection to an owner, queueing behind the other requests to it included. */
  private static final long WAIT_FOR_CONNECTION_MS = 5_000;
  /** Headers that describe one hop, not the request or answer (RFC 9110, 7.6.1), plus the ones the client sets itself. */
  private static final Set<String> NOT_FORWARDED = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
      "transfer-encoding", "upgrade", "host", "content-length", "x-forwarded-for", "x-forwarded-host", FORWARDED_HEADER);
  private static final Set<String> NOT_RELAYED = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade");

  /** {@link #forward} failed before anything reached the owner: no connection could be made to it. */
  static final class OwnerUnreachable extends RuntimeException {
    OwnerUnreachable(Throwable cause) {
      super(cause.getClass().getSimpleName(), cause, false, false);
    }
  }

  private final HttpClient client;
  private final long idleTimeoutMs;

  /** @param heartbeatInterval how often SockJS writes to a waiting poll or an open stream */
  OwnerForwarder(Vertx vertx, Duration heartbeatInterval) {
    // The owner writes at least once per heartbeat interval (a poll's answer, a heartbeat frame on a
    // stream): silence for twice that, and then some, means the owner stopped answering.
    this.idleTimeoutMs = heartbeatInterval.toMillis() * 2 + 5_000;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(false).setConnectTimeout(CONNECT_TIMEOUT_MS),
        new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_OWNER).setMaxWaitQueueSize(MAX_WAITING_PER_OWNER));
  }

  /**
   * Sends the request (method, path and query, end-to-end headers, the body a body handler read) to
   * the owner and relays its answer: status, headers and body as a stream.
   *
   * @return completes when the answer was relayed whole; fails with {@link OwnerUnreachable} when
   *     the owner could not be reached (nothing was sent or answered), or with another failure once
   *     the exchange had begun
   */
  Future<Void> forward(RoutingContext rc, HostAndPort owner) {
    HttpServerRequest in = rc.request();
    RequestOptions options = new RequestOptions()
        .setMethod(in.method())
        .setHost(owner.host())
        .setPort(owner.port())
        .setURI(in.uri())
        .setConnectTimeout(WAIT_FOR_CONNECTION_MS)
        .setIdleTimeout(idleTimeoutMs);
    for (Map.Entry<String, String> header : in.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!name.startsWith(":") && !NOT_FORWARDED.contains(name)) {
        options.addHeader(header.getKey(), header.getValue());
      }
    }
    options.putHeader("x-forwarded-for", forwardedFor(in));
    if (in.getHeader(HttpHeaders.HOST) != null) {
      options.putHeader("x-forwarded-host", in.getHeader(HttpHeaders.HOST));
    }
    options.putHeader(FORWARDED_HEADER, "1");
    Buffer body = rc.body().available() ? rc.body().buffer() : null;
    return client.request(options)
        .recover(e -> Future.failedFuture(unreachable(e) ? new OwnerUnreachable(e) : e))
        .compose(out -> {
          if (rc.response().closed()) {
            // The client left while the owner was looked up or connected to, so the close handler
            // below would never run: sent on, the request would attach a receiver nobody reads to
            // the session, taking its messages and refusing its client's next request with 2010.
            out.reset();
            return Future.failedFuture("the client left before its request was forwarded");
          }
          // A client that goes away takes the forwarded exchange with it, so the owner sees its
          // client leave just as it would have seen it directly.
          rc.response().closeHandler(v -> out.reset());
          return (body == null || body.length() == 0 ? out.send() : out.send(body))
              .compose(answer -> relay(answer, rc, out));
        });
  }

  Future<Void> close() {
    return client.close();
  }

  private static Future<Void> relay(HttpClientResponse answer, RoutingContext rc, HttpClientRequest out) {
    HttpServerResponse response = rc.response();
    response.setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
    answer.headers().forEach((name, value) -> {
      if (!NOT_RELAYED.contains(name.toLowerCase(Locale.ROOT))) {
        response.headers().add(name, value);
      }
    });
    int status = answer.statusCode();
    boolean hasBody = status >= 200 && status != 204 && status != 304 && rc.request().method() != HttpMethod.HEAD;
    if (hasBody && !answer.headers().contains(HttpHeaders.CONTENT_LENGTH) && rc.request().version() == HttpVersion.HTTP_1_1) {
      response.setChunked(true);
    }
    // Not ended on a failure: a stream cut short must look cut short to the client, not complete.
    return answer.pipe().endOnFailure(false).to(response).onFailure(e -> {
      out.reset();
      response.reset();
    });
  }

  private static String forwardedFor(HttpServerRequest in) {
    String client = in.remoteAddress() == null ? "unknown" : in.remoteAddress().hostAddress();
    String earlier = in.getHeader("x-forwarded-for");
    return earlier == null || earlier.isBlank() ? client : earlier + ", " + client;
  }

  /** Refused, timed out while connecting, or a name that does not resolve: the owner is not there. */
  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
