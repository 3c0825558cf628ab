package io.herald.bridge.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.envelope.EventNames;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.node.ConnectionIds;
import io.herald.bridge.presence.Presence;
import io.herald.bridge.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@link Herald} on a member's {@link HeraldNode}: events through {@link HeraldNode#publish}, group
 * changes through its node channel, services and requests on the member's event bus.
 */
final class NodeHerald implements Herald {

  private static final Logger LOG = System.getLogger(NodeHerald.class.getName());

  private final EventBus bus;
  private final HeraldNode node;
  private final JsonPayloads payloads;

  NodeHerald(Vertx vertx, HeraldNode node, ObjectMapper mapper) {
    this.bus = vertx.eventBus();
    this.node = node;
    this.payloads = new JsonPayloads(mapper);
  }

  // ---- events ----

  @Override
  public Recipient user(String subject) {
    return target(subject == null ? null : Targets.user(subject));
  }

  @Override
  public Recipient group(String group) {
    try {
      return target(Targets.group(group));
    } catch (HeraldException e) {
      return new Target(this, Targets.GROUP_PREFIX + group, e);
    }
  }

  @Override
  public Recipient connection(String connectionId) {
    HeraldException problem = connectionProblem(connectionId);
    return problem == null ? target(Targets.connection(connectionId)) : new Target(this, Targets.CONNECTION_PREFIX + connectionId, problem);
  }

  @Override
  public Recipient address(String address) {
    return target(address);
  }

  @Override
  public Recipient everyone() {
    return target(Targets.EVERYONE);
  }

  private Target target(String address) {
    String problem = AddressSyntax.problem(address);
    return new Target(this, address, problem == null ? null : new HeraldException(ErrorCode.BAD_ADDRESS, problem));
  }

  Future<String> publish(String address, String type, Object payload) {
    if (!EventNames.isValid(type)) {
      return Future.failedFuture(new HeraldException(ErrorCode.BAD_TYPE,
          "type must be letters, digits and . _ : @ - of at most " + EventNames.MAX_LENGTH + " characters"));
    }
    if (type.startsWith(Presence.RESERVED_TYPE_PREFIX)) {
      return Future.failedFuture(new HeraldException(ErrorCode.BAD_TYPE,
          "event types presence.* are the node's own: they announce who joins and leaves"));
    }
    Object body;
    try {
      body = payloads.toBody(payload);
    } catch (HeraldException e) {
      return Future.failedFuture(e);
    }
    return node.publish(address, type, body, System.currentTimeMillis())
        .recover(e -> Future.failedFuture(e instanceof HeraldException known ? known
            : new HeraldException(ErrorCode.UNAVAILABLE, "history is unavailable; the event was not published")));
  }

  // ---- groups ----

  @Override
  public Future<Void> addToGroup(String connectionId, String group) {
    HeraldException problem = groupChangeProblem(connectionId, group);
    return problem != null ? Future.failedFuture(problem) : node.channel().join(connectionId, group);
  }

  @Override
  public Future<Boolean> removeFromGroup(String connectionId, String group) {
    HeraldException problem = groupChangeProblem(connectionId, group);
    return problem != null ? Future.failedFuture(problem) : node.channel().leave(connectionId, group);
  }

  private static HeraldException groupChangeProblem(String connectionId, String group) {
    HeraldException problem = connectionProblem(connectionId);
    if (problem != null) {
      return problem;
    }
    try {
      Targets.checkedGroup(group);
      return null;
    } catch (HeraldException e) {
      return e;
    }
  }

  /** A connection id names the node that issued it; anything else can never be a connection. */
  private static HeraldException connectionProblem(String connectionId) {
    if (connectionId == null || ConnectionIds.nodeKeyOf(connectionId) == null
        || AddressSyntax.problem(Targets.connection(connectionId)) != null) {
      return new HeraldException(ErrorCode.BAD_ADDRESS, "not a connection id: " + printable(connectionId));
    }
    return null;
  }

  // ---- services ----

  @Override
  public <Req, Resp> Future<Registration> serve(String address, Class<Req> requestType, Function<Req, Future<Resp>> handler) {
    String problem = AddressSyntax.problem(address);
    if (problem != null) {
      return Future.failedFuture(new HeraldException(ErrorCode.BAD_ADDRESS, problem));
    }
    MessageConsumer<Object> consumer = bus.consumer(address, new TypedService<>(address, payloads, requestType, handler));
    return consumer.completion().map(v -> new ConsumerRegistration(address, consumer));
  }

  @Override
  public <T> Future<Registration> on(String address, Class<T> type, Handler<T> handler) {
    // Herald's own addresses are fine to listen to (herald.connection.opened, say); only clients may not name them.
    boolean own = address != null && address.startsWith(AddressSyntax.RESERVED_PREFIX);
    String problem = AddressSyntax.problem(own ? address.substring(AddressSyntax.RESERVED_PREFIX.length()) : address);
    if (problem != null) {
      return Future.failedFuture(new HeraldException(ErrorCode.BAD_ADDRESS, problem));
    }
    MessageConsumer<Object> consumer = bus.consumer(address, message -> {
      T value;
      try {
        value = payloads.fromBody(message.body(), type);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "an event on {0} was skipped: {1}", address, e.getMessage());
        return;
      }
      handler.handle(value);
    });
    return consumer.completion().map(v -> new ConsumerRegistration(address, consumer));
  }

  @Override
  public <Resp> Future<Resp> request(String address, Object payload, Class<Resp> replyType) {
    return request(address, payload, replyType, DEFAULT_REQUEST_TIMEOUT);
  }

  @Override
  public <Resp> Future<Resp> request(String address, Object payload, Class<Resp> replyType, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    String problem = AddressSyntax.problem(address);
    if (problem != null) {
      return Future.failedFuture(new HeraldException(ErrorCode.BAD_ADDRESS, problem));
    }
    Object body;
    try {
      body = payloads.toBody(payload);
    } catch (HeraldException e) {
      return Future.failedFuture(e);
    }
    long ms = timeout.toMillis();
    return bus.request(address, body, new DeliveryOptions().setSendTimeout(ms))
        .recover(e -> Future.failedFuture(ServiceFailures.fromReply(address, e, ms)))
        .map(reply -> {
          try {
            return payloads.fromBody(reply.body(), replyType);
          } catch (HeraldException e) {
            throw new HeraldException(ErrorCode.BAD_DATA, "the reply from " + address + " does not fit: " + e.getMessage());
          }
        });
  }

  // ---- JSON ----

  @Override
  public Object encode(Object payload) {
    return payloads.toBody(payload);
  }

  @Override
  public <T> T decode(Object body, Class<T> type) {
    return payloads.fromBody(body, type);
  }

  @Override
  public <T> T decodeJson(String json, Class<T> type) {
    return payloads.fromJson(json, type);
  }

  private static String printable(String value) {
    if (value == null) {
      return "null";
    }
    String cut = value.length() > 48 ? value.substring(0, 48) + "..." : value;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
