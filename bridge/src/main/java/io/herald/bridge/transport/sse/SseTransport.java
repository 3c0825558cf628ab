package io.herald.bridge.transport.sse;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.SseFormat;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.history.Position;
import io.herald.bridge.target.Targets;
import io.herald.bridge.transport.CloseReason;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /sse?address=A&address=B}: one {@code text/event-stream} for one or more addresses.
 *
 * <p>Every check happens before the 200 is sent, so a bad request gets a status and a JSON body
 * rather than a stream that ends at once.
 */
public final class SseTransport implements Handler<RoutingContext> {

  public static final String PATH = "/sse";
  /** The HTTP/2 error code a client sends when it cancels a stream it no longer wants. */
  private static final long CANCEL = 0x8;

  private final BridgeRuntime runtime;

  public SseTransport(BridgeRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handle(RoutingContext rc) {
    runtime.authenticator().identify(rc.request())
        .map(identity -> {
          open(rc, identity, withUserChannel(identity, checkAddresses(identity, rc.queryParam("address"))));
          return null;
        })
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  private void open(RoutingContext rc, Identity identity, Set<String> addresses) {
    HttpServerResponse response = rc.response()
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    if (rc.request().version() != HttpVersion.HTTP_2) {
      response.setChunked(true);
    }
    // The head goes out first, with the retry hint: the connection writes its stream as raw chunks
    // once the head is on the socket.
    response.write(SseFormat.retry(runtime.options().getSseRetry().toMillis()));
    SseConnection connection = new SseConnection(runtime, identity, rc.request());
    response.closeHandler(v -> connection.close(CloseReason.CLIENT_CLOSED));
    response.exceptionHandler(e -> connection.close(closedBy(e)));
    if (response.closed()) {
      // The client left while its token was checked: Vert.x reported that close before there was a
      // handler to hear it, and would not again.
      connection.close(CloseReason.CLIENT_CLOSED);
      return;
    }
    if (connection.refuseIfDraining()) {
      return;
    }
    Map<String, Position> cursor = StreamCursor.decode(lastEventId(rc), addresses.stream().filter(runtime.history()::keeps).toList());
    // Vert.x keeps the request, headers included, until the stream ends; nothing reads them after
    // this, and dropped they are about 0.5 KB less in every idle stream (W2 in bench/).
    rc.request().headers().clear();
    Future.all(addresses.stream().map(address -> connection.subscribe(address, cursor.get(address))).toList())
        .onSuccess(v -> {
          connection.sendConnected();
          addresses.forEach(connection::catchUp);
        })
        .onFailure(e -> connection.close(CloseReason.SERVER_ERROR));
  }

  /** EventSource sends {@code Last-Event-ID} when it reconnects; a client starting afresh may pass {@code lastEventId}. */
  private static String lastEventId(RoutingContext rc) {
    String header = rc.request().getHeader("Last-Event-ID");
    if (header != null) {
      return header;
    }
    List<String> query = rc.queryParam("lastEventId");
    return query.isEmpty() ? null : query.get(0);
  }

  /** An authenticated stream also carries the user's own address, and may carry nothing else. */
  private Set<String> withUserChannel(Identity identity, Set<String> addresses) {
    if (!identity.anonymous() && runtime.options().isUserChannel()) {
      addresses.add(Targets.user(identity.subject()));
    }
    if (addresses.isEmpty()) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, "at least one address query parameter is required");
    }
    return addresses;
  }

  private Set<String> checkAddresses(Identity identity, List<String> requested) {
    if (requested.isEmpty() && (identity.anonymous() || !runtime.options().isUserChannel())) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, "at least one address query parameter is required");
    }
    Set<String> addresses = new LinkedHashSet<>(requested);
    if (addresses.size() > runtime.options().getMaxSubscriptions()) {
      throw new HeraldException(ErrorCode.TOO_MANY_ADDRESSES,
          "at most " + runtime.options().getMaxSubscriptions() + " addresses per stream");
    }
    for (String address : addresses) {
      String problem = AddressSyntax.problem(address);
      if (problem != null) {
        throw new HeraldException(ErrorCode.BAD_ADDRESS, problem);
      }
      runtime.rules().require(identity, Operation.SUBSCRIBE, address);
    }
    return addresses;
  }

  /**
   * Vert.x reports a client that closes its TCP connection mid-stream (an HTTP/1.1 EventSource going
   * away) as an exception before the close, and one that cancels its HTTP/2 stream as a reset with
   * CANCEL: both are the client leaving, not a broken transport.
   */
  static CloseReason closedBy(Throwable e) {
    if (e instanceof HttpClosedException || e instanceof StreamResetException reset && reset.getCode() == CANCEL) {
      return CloseReason.CLIENT_CLOSED;
    }
    return CloseReason.TRANSPORT_ERROR;
  }
}
