package io.herald.bridge.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.envelope.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Function;

/**
 * Herald for Java services: typed events to users, groups, connections and everyone, and typed
 * request/reply services that browsers (WebSocket and SockJS {@code send} with a
 * {@code replyAddress}) and other services call. Payloads are written and read as JSON by a
 * Jackson {@link ObjectMapper}: records, POJOs, collections and scalars.
 *
 * <pre>{@code
 * Herald herald = Herald.create(vertx);
 * herald.user("alice").send("order-shipped", new OrderShipped("o-17", 3));
 * herald.serve("service.orders", OrderQuery.class, query -> orders.find(query.id()));
 * }</pre>
 *
 * <p>It works on any member of the cluster, one that serves clients or not: events go through the
 * member's {@link HeraldNode}, so they get their positions (on addresses with history) and reach
 * connections on every node. A member that serves no clients installs its node first with the
 * cluster's history policy ({@link HeraldNode#install}); otherwise the default policy is used.
 *
 * <p>Asynchronous methods never throw: every problem is a failed future with a
 * {@link io.herald.bridge.error.HeraldException} naming its code. Thread-safe.
 */
public interface Herald {

  /** The event type of {@link Recipient#send(Object)}. */
  String DEFAULT_TYPE = Envelope.DEFAULT_TYPE;

  /** How long {@link #request(String, Object, Class)} waits for a reply. */
  Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * With Jackson's default mapper, which also writes {@code java.time} values as ISO-8601 text when
   * jackson-datatype-jsr310 is on the classpath.
   */
  static Herald create(Vertx vertx) {
    return create(vertx, JsonPayloads.defaultMapper());
  }

  /** With the application's own mapper, shared, not copied. */
  static Herald create(Vertx vertx, ObjectMapper mapper) {
    return new NodeHerald(vertx, HeraldNode.of(vertx), mapper);
  }

  /**
   * Every connection of the user (the token's {@code sub}, whatever it holds), on every node and
   * transport: {@link io.herald.bridge.target.Targets#user user.<subject>}, the sub written as one
   * address part ({@code auth0|42} is {@code user.auth0%7C42}).
   */
  Recipient user(String subject);

  /** Every connection in the server-managed group ({@link #addToGroup}), and every subscriber of {@code group.<group>}. */
  Recipient group(String group);

  /** That one connection, on whichever node holds it; clients learn their id when they connect. */
  Recipient connection(String connectionId);

  /** The subscribers of any address. */
  Recipient address(String address);

  /** Every connection of the cluster. */
  Recipient everyone();

  /**
   * Adds a connection, on whichever node, to a server-managed group: it receives {@code group.<group>}
   * until it leaves or closes.
   *
   * @return fails with {@code bad-address} for a malformed group or id, {@code no-connection} when
   *     no node holds the connection
   */
  Future<Void> addToGroup(String connectionId, String group);

  /** @return whether the connection was in the group */
  Future<Boolean> removeFromGroup(String connectionId, String group);

  /**
   * Serves requests on an address: each request body is read as a {@code Req}, the handler's answer
   * is the reply. What the caller sees when it fails:
   *
   * <ul>
   *   <li>a body that does not fit {@code Req}: {@code bad-request} (400), saying where;
   *   <li>the handler fails or throws with a {@link io.herald.bridge.error.HeraldException}: its
   *       code, HTTP status and message;
   *   <li>any other failure, or an answer with no JSON form: {@code internal} (500), details only in
   *       the service's log.
   * </ul>
   *
   * Browsers get these as {@code err} frames with code {@code recipient-failure}, the status as
   * {@code failureCode} and {@code "<code>: <message>"} as {@code message} (docs/PROTOCOL.md).
   *
   * @return completes once the service is registered in the cluster
   */
  <Req, Resp> Future<Registration> serve(String address, Class<Req> requestType, Function<Req, Future<Resp>> handler);

  /**
   * Listens to an address's events, read as {@code T}; an event that does not fit is logged and
   * skipped.
   *
   * @return completes once the listener is registered in the cluster
   */
  <T> Future<Registration> on(String address, Class<T> type, Handler<T> handler);

  /** {@link #request(String, Object, Class, Duration)} with {@link #DEFAULT_REQUEST_TIMEOUT}. */
  <Resp> Future<Resp> request(String address, Object payload, Class<Resp> replyType);

  /**
   * Sends a request to a service and reads its reply as {@code Resp}.
   *
   * @return fails with {@code timeout}, {@code no-handler}, the service's own error (a
   *     {@link #serve} service's code and message come back as they were), {@code recipient-failure}
   *     for any other service failure, or {@code bad-data} for a reply that does not fit
   * @throws IllegalArgumentException if the timeout is not positive
   */
  <Resp> Future<Resp> request(String address, Object payload, Class<Resp> replyType, Duration timeout);

  /**
   * A payload as the body the event bus carries (Vert.x JSON or a scalar), e.g. for a reply made by hand.
   *
   * @throws io.herald.bridge.error.HeraldException {@code bad-data} if it has no JSON form
   */
  Object encode(Object payload);

  /**
   * Reads a body as a {@code T}: a bus message's body, a frame's {@code body} or an event's
   * {@code data} ({@link io.vertx.core.json.JsonObject}, {@link io.vertx.core.json.JsonArray}, a
   * string, number, boolean or {@code null}; a {@link io.vertx.core.buffer.Buffer} is read as JSON
   * text). A string is a JSON string: for JSON text use {@link #decodeJson}.
   *
   * @throws io.herald.bridge.error.HeraldException {@code bad-data} saying what does not fit
   */
  <T> T decode(Object body, Class<T> type);

  /** Reads JSON text as a {@code T}; fails as {@link #decode} does. */
  <T> T decodeJson(String json, Class<T> type);
}
