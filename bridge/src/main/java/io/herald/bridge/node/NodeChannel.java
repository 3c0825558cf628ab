package io.herald.bridge.node;

import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.Envelope;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.metrics.HeraldMetrics;
import io.herald.bridge.target.Targets;
import io.herald.bridge.transport.ClientConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The node's three consumers, one each whatever the number of connections: its own address
 * ({@code herald.node.<key>}: deliver to, or join or leave a group for, one of its connections),
 * {@code herald.everyone}, and the {@code herald.groups} service that forwards a group change to the
 * node holding the connection. And the sending side of the same, used by any member.
 */
public final class NodeChannel {

  static final String OP_DELIVER = "deliver";
  static final String OP_JOIN = "join";
  static final String OP_LEAVE = "leave";
  private static final long REQUEST_TIMEOUT_MS = 5_000;

  private final EventBus bus;
  private final LocalConnections local;
  private final HeraldMetrics metrics;
  private final EventIds ids = new EventIds();
  private final List<MessageConsumer<?>> consumers;
  private final Future<Void> registered;

  public NodeChannel(Vertx vertx, String nodeKey, LocalConnections local, HeraldMetrics metrics) {
    this.bus = vertx.eventBus();
    this.local = local;
    this.metrics = metrics;
    this.consumers = List.of(
        bus.consumer(NodeAddresses.node(nodeKey), this::onNodeRequest),
        bus.consumer(NodeAddresses.EVERYONE, this::onEveryone),
        bus.<Object>consumer(NodeAddresses.GROUPS, this::onGroupRequest));
    this.registered = Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /** Completes once the node's consumers are registered in the cluster. */
  public Future<Void> registered() {
    return registered;
  }

  // ---- sending, from any member ----

  /**
   * An event for one connection, wherever it is.
   *
   * @return the event's id; fails with {@code no-connection} when no node holds the connection
   */
  public Future<String> toConnection(String connectionId, String type, Object body, long ts) {
    String id = ids.next();
    DeliveryOptions options = BusEnvelopes.deliveryOptions(id, type, ts)
        .addHeader(NodeAddresses.HEADER_OP, OP_DELIVER)
        .addHeader(NodeAddresses.HEADER_CONNECTION, connectionId);
    return requestOwner(connectionId, body, options).map(id);
  }

  /** An event for every connection of the cluster. */
  public Future<String> toEveryone(String type, Object body, long ts) {
    String id = ids.next();
    bus.publish(NodeAddresses.EVERYONE, body, BusEnvelopes.deliveryOptions(id, type, ts));
    return Future.succeededFuture(id);
  }

  /** Joins a connection, wherever it is, to a group: it receives {@code group.<g>} from then on. */
  public Future<Void> join(String connectionId, String group) {
    return changeGroup(OP_JOIN, connectionId, group);
  }

  /** @return whether the connection was in the group */
  public Future<Boolean> leave(String connectionId, String group) {
    return changeGroup(OP_LEAVE, connectionId, group).map(v -> true)
        .recover(e -> e instanceof HeraldException h && h.code() == ErrorCode.NOT_FOUND ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  private Future<Void> changeGroup(String op, String connectionId, String group) {
    JsonObject body = new JsonObject().put("group", Targets.checkedGroup(group)).put("connection", connectionId);
    return requestOwner(connectionId, body, new DeliveryOptions().addHeader(NodeAddresses.HEADER_OP, op)).mapEmpty();
  }

  private Future<Message<Object>> requestOwner(String connectionId, Object body, DeliveryOptions options) {
    String owner = ConnectionIds.nodeKeyOf(connectionId);
    if (owner == null) {
      return Future.failedFuture(noConnection(connectionId));
    }
    return bus.request(NodeAddresses.node(owner), body, options.setSendTimeout(REQUEST_TIMEOUT_MS))
        .recover(e -> Future.failedFuture(translate(e, connectionId)));
  }

  /** Failures travel as the error code's name; a node that is gone, or never was, is {@code no-connection}. */
  private static HeraldException translate(Throwable e, String connectionId) {
    if (e instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return noConnection(connectionId);
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return new HeraldException(ErrorCode.TIMEOUT, "the node holding the connection did not answer");
      }
      ErrorCode code = ErrorCode.fromCode(reply.getMessage());
      if (code == ErrorCode.NO_CONNECTION) {
        return noConnection(connectionId);
      }
      if (code == ErrorCode.NOT_FOUND) {
        return new HeraldException(code, "the connection is not in that group");
      }
      if (code != null) {
        return new HeraldException(code, "the node holding the connection refused: " + code.code());
      }
    }
    return HeraldException.of(e);
  }

  private static void fail(Message<?> message, ErrorCode code) {
    message.fail(code.httpStatus(), code.code());
  }

  private static HeraldException noConnection(String connectionId) {
    return new HeraldException(ErrorCode.NO_CONNECTION, "no node holds a connection with that id");
  }

  // ---- receiving, on this node ----

  private void onNodeRequest(Message<Object> message) {
    String op = message.headers().get(NodeAddresses.HEADER_OP);
    if (OP_DELIVER.equals(op)) {
      deliverToOne(message);
    } else if ((OP_JOIN.equals(op) || OP_LEAVE.equals(op)) && message.body() instanceof JsonObject body) {
      changeGroupHere(message, op, body);
    } else {
      fail(message, ErrorCode.BAD_REQUEST);
    }
  }

  private void deliverToOne(Message<Object> message) {
    String connectionId = message.headers().get(NodeAddresses.HEADER_CONNECTION);
    LocalConnections.Entry entry = connectionId == null ? null : local.find(connectionId);
    if (entry == null) {
      fail(message, ErrorCode.NO_CONNECTION);
      return;
    }
    Envelope envelope;
    try {
      Envelope received = BusEnvelopes.fromMessage(message, ids, System.currentTimeMillis());
      envelope = withAddress(received, Targets.connection(connectionId));
    } catch (IllegalArgumentException e) {
      fail(message, ErrorCode.BAD_DATA);
      return;
    }
    entry.context().runOnContext(v -> {
      metrics.handedOff(envelope.ts(), System.currentTimeMillis());
      entry.connection().deliver(new EncodedEvent(envelope));
    });
    message.reply(null);
  }

  private void changeGroupHere(Message<Object> message, String op, JsonObject body) {
    String connectionId = body.getString("connection");
    LocalConnections.Entry entry = connectionId == null ? null : local.find(connectionId);
    if (entry == null) {
      fail(message, ErrorCode.NO_CONNECTION);
      return;
    }
    // Checked here, as the sending side checks it: a request may be made by hand on any member, and
    // what throws on the connection's context would leave the request without an answer.
    String group;
    try {
      group = Targets.checkedGroup(body.getValue("group"));
    } catch (HeraldException e) {
      fail(message, e.code());
      return;
    }
    Promise<Boolean> done = Promise.promise();
    entry.context().runOnContext(v -> {
      try {
        ClientConnection connection = entry.connection();
        if (OP_JOIN.equals(op)) {
          connection.joinGroup(group).map(true).onComplete(done);
        } else {
          done.complete(connection.leaveGroup(group));
        }
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    done.future().onComplete(result -> {
      if (result.failed()) {
        fail(message, HeraldException.of(result.cause()).code());
      } else if (!result.result()) {
        fail(message, ErrorCode.NOT_FOUND);
      } else {
        message.reply(null);
      }
    });
  }

  /** Encoded once per context; every connection of that context gets the same buffers. */
  private void onEveryone(Message<Object> message) {
    Envelope envelope;
    try {
      envelope = withAddress(BusEnvelopes.fromMessage(message, ids, System.currentTimeMillis()), Targets.EVERYONE);
    } catch (IllegalArgumentException e) {
      return;
    }
    for (Map.Entry<Context, List<ClientConnection>> byContext : local.byContext().entrySet()) {
      List<ClientConnection> connections = byContext.getValue();
      byContext.getKey().runOnContext(v -> {
        metrics.handedOff(envelope.ts(), System.currentTimeMillis());
        EncodedEvent event = new EncodedEvent(envelope);
        for (ClientConnection connection : connections) {
          connection.deliver(event);
        }
      });
    }
  }

  /** {@code {"op":"join"|"leave","group","connection"}} from any member, forwarded to the owner. */
  private void onGroupRequest(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body) || !(body.getValue("connection") instanceof String connection)) {
      fail(message, ErrorCode.BAD_REQUEST);
      return;
    }
    Object op = body.getValue("op");
    Future<Object> change;
    try {
      if (OP_JOIN.equals(op)) {
        change = join(connection, (String) body.getValue("group")).map(v -> new JsonObject().put("joined", true));
      } else if (OP_LEAVE.equals(op)) {
        change = leave(connection, (String) body.getValue("group")).map(was -> new JsonObject().put("left", was));
      } else {
        fail(message, ErrorCode.BAD_REQUEST);
        return;
      }
    } catch (HeraldException | ClassCastException e) {
      fail(message, ErrorCode.BAD_ADDRESS);
      return;
    }
    change.onSuccess(message::reply).onFailure(e -> fail(message, HeraldException.of(e).code()));
  }

  private static Envelope withAddress(Envelope received, String address) {
    return new Envelope(received.id(), address, received.type(), received.ts(), received.dataJson());
  }
}
