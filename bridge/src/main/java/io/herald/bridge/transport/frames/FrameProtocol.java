package io.herald.bridge.transport.frames;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.TokenSources;
import io.herald.bridge.envelope.JsonText;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.Requests;
import io.herald.bridge.history.Position;
import io.herald.bridge.node.NodeAddresses;
import io.herald.bridge.target.Targets;
import io.herald.bridge.publish.Publisher;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The inbound side of the frame protocol: a superset of the Vert.x event-bus bridge frames
 * ({@code register}, {@code unregister}, {@code publish}, {@code send}, {@code ping}) so the stock
 * Vert.x clients work unchanged, plus Herald's {@code id} on any frame to have it acknowledged.
 *
 * <p>A bad frame is answered with an {@code err} frame and changes nothing else: the connection
 * stays open and keeps its subscriptions.
 */
final class FrameProtocol {

  private FrameProtocol() {}

  private static final Future<Void> DONE = Future.succeededFuture();

  /**
   * Handles one frame. The future completes when the frame is done with; it is pending only while a
   * token it carries is being verified, and the connection holds back later frames until then.
   */
  static Future<Void> handle(FrameConnection connection, String text) {
    BridgeRuntime runtime = connection.runtime();
    if (text.length() > runtime.options().getMaxFrameSize()) {
      connection.sendError(ErrorCode.TOO_LARGE, "frame is larger than " + runtime.options().getMaxFrameSize() + " bytes", null, null);
      return DONE;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      connection.sendError(ErrorCode.BAD_JSON, "frame is not a JSON object", null, null);
      return DONE;
    }
    Object ref = reference(frame.getValue("id"));
    if ("auth".equals(frame.getValue("type"))) {
      Object token = frame.getValue("token");
      if (!(token instanceof String jwt)) {
        connection.sendError(ErrorCode.BAD_FRAME, "an auth frame needs a string 'token'", null, ref);
        return DONE;
      }
      return authenticate(connection, jwt, ref).map(accepted -> {
        if (accepted) {
          connection.reply(ControlFrames.authenticated(ref, connection.identity().expiresAt()));
        }
        return null;
      });
    }
    String headerToken;
    try {
      headerToken = TokenSources.fromFrameHeaders(frame.getValue("headers"));
    } catch (HeraldException e) {
      connection.sendError(e.code(), e.getMessage(), addressOf(frame), ref);
      return DONE;
    }
    if (headerToken != null && !connection.hasToken(headerToken)) {
      // A bridge client's headers carry its token on every frame; it is verified when it changes.
      return authenticate(connection, headerToken, ref).map(accepted -> {
        if (accepted) {
          dispatchSafely(connection, frame, ref);
        }
        return null;
      });
    }
    dispatchSafely(connection, frame, ref);
    return DONE;
  }

  /** @return whether the token was accepted; if not, the client has been told why */
  private static Future<Boolean> authenticate(FrameConnection connection, String token, Object ref) {
    return connection.runtime().authenticator().authenticate(token)
        .compose(identity -> {
          List<String> dropped = connection.reauthenticate(identity);
          connection.rememberToken(token);
          for (String address : dropped) {
            connection.sendError(ErrorCode.FORBIDDEN, "the refreshed token does not allow " + address + "; unsubscribed", address, null);
          }
          // Acknowledged once the user channel a first token opens is live.
          return connection.userChannelReady().transform(v -> Future.succeededFuture(true));
        })
        .recover(e -> {
          HeraldException error = HeraldException.of(e);
          connection.sendError(error.code(), error.getMessage(), null, ref);
          return Future.succeededFuture(false);
        });
  }

  private static void dispatchSafely(FrameConnection connection, JsonObject frame, Object ref) {
    if (connection.isClosed()) {
      // Closed while the frame's token was being verified.
      return;
    }
    try {
      dispatch(connection, frame, ref);
    } catch (HeraldException e) {
      connection.sendError(e.code(), e.getMessage(), addressOf(frame), ref);
    }
  }

  private static void dispatch(FrameConnection connection, JsonObject frame, Object ref) {
    Object type = frame.getValue("type");
    if (!(type instanceof String op)) {
      throw new HeraldException(ErrorCode.BAD_FRAME, "frame has no string field 'type'");
    }
    switch (op) {
      case "register" -> register(connection, frame, ref);
      case "unregister" -> unregister(connection, frame, ref);
      case "publish" -> publish(connection, frame, ref);
      case "send" -> send(connection, frame, ref);
      case "join" -> join(connection, frame, ref);
      case "leave" -> leave(connection, frame, ref);
      case "ping" -> {
        if (connection.answersPing()) {
          connection.reply(ControlFrames.PONG);
        }
      }
      default -> throw new HeraldException(ErrorCode.UNKNOWN_OP, "unknown frame type '" + abbreviate(op) + "'");
    }
  }

  private static void register(FrameConnection connection, JsonObject frame, Object ref) {
    String address = checkedAddress(connection, frame, Operation.SUBSCRIBE);
    int max = connection.runtime().options().getMaxSubscriptions();
    if (!connection.subscriptions().contains(address) && connection.subscriptions().size() >= max) {
      throw new HeraldException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + max + " subscriptions per connection");
    }
    Position since = since(frame);
    connection.subscribe(address, since).onComplete(done -> {
      if (done.failed()) {
        connection.sendError(ErrorCode.INTERNAL, "subscription could not be registered", address, ref);
        return;
      }
      if (ref != null) {
        connection.reply(ControlFrames.subscribed(ref, address, connection.position(address)));
      }
      connection.catchUp(address);
    });
  }

  /**
   * The cursor to resume from: {@code since} in the register frame's headers (where the stock
   * Vert.x client puts what it is given) or on the frame itself. One that cannot be read resumes as
   * a reset.
   */
  private static Position since(JsonObject frame) {
    Object value = frame.getValue("since");
    if (value == null && frame.getValue("headers") instanceof JsonObject headers) {
      value = headers.getValue("since");
    }
    if (value == null) {
      return null;
    }
    Position position = value instanceof String text ? Position.parse(text) : null;
    return position != null ? position : Position.UNKNOWN;
  }

  private static void unregister(FrameConnection connection, JsonObject frame, Object ref) {
    String address = syntaxChecked(frame.getValue("address"));
    connection.unsubscribe(address);
    if (ref != null) {
      connection.reply(ControlFrames.ack(ref, "unregister", address));
    }
  }

  private static void publish(FrameConnection connection, JsonObject frame, Object ref) {
    Publisher publisher = connection.runtime().publisher();
    Publisher.Checked event = publisher.check(connection.identity(), frame.getValue("address"), frame.getValue("event"), frame.getValue("body"));
    publisher.publish(event).onComplete(published -> {
      if (published.failed()) {
        HeraldException error = HeraldException.of(published.cause());
        connection.sendError(error.code(), error.getMessage(), event.address(), ref);
      } else if (ref != null) {
        connection.reply(ControlFrames.published(ref, published.result()));
      }
    });
  }

  /**
   * A client joining a group itself: allowed where the rules let it subscribe to {@code group.<g>}.
   * It is then a member like one the server joined: {@code leave}, or closing, ends it; and, as for
   * a subscription, a token refresh that no longer allows {@code group.<g>}.
   */
  private static void join(FrameConnection connection, JsonObject frame, Object ref) {
    String group = Targets.checkedGroup(frame.getValue("group"));
    String address = Targets.group(group);
    connection.runtime().rules().require(connection.identity(), Operation.SUBSCRIBE, address);
    connection.joinGroupByClient(group).onComplete(done -> {
      if (done.failed()) {
        HeraldException error = HeraldException.of(done.cause());
        connection.sendError(error.code(), error.getMessage(), address, ref);
      } else if (ref != null) {
        connection.reply(ControlFrames.ack(ref, "join", address));
      }
    });
  }

  private static void leave(FrameConnection connection, JsonObject frame, Object ref) {
    String group = Targets.checkedGroup(frame.getValue("group"));
    connection.leaveGroup(group);
    if (ref != null) {
      connection.reply(ControlFrames.ack(ref, "leave", Targets.group(group)));
    }
  }

  private static void send(FrameConnection connection, JsonObject frame, Object ref) {
    BridgeRuntime runtime = connection.runtime();
    if (NodeAddresses.WHOAMI.equals(frame.getValue("address")) && frame.getValue("replyAddress") instanceof String replyTo) {
      // The stock SockJS client learns its connection id by asking: it has no welcome frame. The
      // answer waits for the user channel, as a welcome does.
      connection.userChannelReady().onComplete(v -> connection.reply(ControlFrames.reply(replyTo, connection.whoami().encode())));
      return;
    }
    String address = syntaxChecked(frame.getValue("address"));
    Targets.requireSendable(address);
    runtime.rules().require(connection.identity(), Operation.SEND, address);
    Object body = Publisher.busBody(frame.getValue("body"));
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress == null) {
      runtime.vertx().eventBus().send(address, body);
      if (ref != null) {
        connection.reply(ControlFrames.ack(ref, "send", address));
      }
      return;
    }
    if (!(replyAddress instanceof String replyTo) || replyTo.isEmpty() || replyTo.length() > AddressSyntax.MAX_LENGTH) {
      throw new HeraldException(ErrorCode.BAD_FRAME, "replyAddress must be a string of 1 to " + AddressSyntax.MAX_LENGTH + " characters");
    }
    long timeout = Requests.timeout(frame.getValue("timeout"), runtime.options().getReplyTimeout().toMillis());
    if (!connection.reservePendingReply()) {
      throw new HeraldException(ErrorCode.TOO_MANY_REQUESTS,
          "at most " + runtime.options().getMaxPendingReplies() + " requests may wait for a reply");
    }
    runtime.vertx().eventBus().request(address, body, new DeliveryOptions().setSendTimeout(timeout))
        .onComplete(answer -> {
          connection.releasePendingReply();
          if (answer.succeeded()) {
            connection.reply(replyFrame(replyTo, answer.result(), ref));
          } else {
            connection.reply(failureFrame(replyTo, answer.cause(), ref));
          }
        });
  }

  private static io.vertx.core.buffer.Buffer replyFrame(String replyTo, Message<Object> reply, Object ref) {
    try {
      return ControlFrames.reply(replyTo, JsonText.encodeBody(reply.body()));
    } catch (IllegalArgumentException e) {
      return ControlFrames.error(ErrorCode.RECIPIENT_FAILURE, "the reply has no JSON form", replyTo, ref);
    }
  }

  private static io.vertx.core.buffer.Buffer failureFrame(String replyTo, Throwable cause, Object ref) {
    if (cause instanceof ReplyException failure) {
      ErrorCode code = Requests.codeOf(failure);
      String message = failure.getMessage() == null ? code.code() : failure.getMessage();
      return ControlFrames.error(code, message, replyTo, ref, failure.failureCode(), failure.failureType().name());
    }
    return ControlFrames.error(ErrorCode.INTERNAL, "the request failed", replyTo, ref);
  }

  private static String checkedAddress(FrameConnection connection, JsonObject frame, Operation operation) {
    String address = syntaxChecked(frame.getValue("address"));
    connection.runtime().rules().require(connection.identity(), operation, address);
    return address;
  }

  private static String syntaxChecked(Object address) {
    String problem = AddressSyntax.problem(address);
    if (problem != null) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, problem);
    }
    return (String) address;
  }

  /** Only a well-formed address is echoed, so a stock client's handler for it hears the error. */
  private static String addressOf(JsonObject frame) {
    Object address = frame.getValue("address");
    return AddressSyntax.problem(address) == null ? (String) address : null;
  }

  /** The client's {@code id} is echoed as {@code ref} when it is a short string or a number. */
  private static Object reference(Object id) {
    if (id instanceof String text && text.length() <= 64 || id instanceof Integer || id instanceof Long) {
      return id;
    }
    return null;
  }

  private static String abbreviate(String value) {
    String cut = value.length() > 32 ? value.substring(0, 32) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
