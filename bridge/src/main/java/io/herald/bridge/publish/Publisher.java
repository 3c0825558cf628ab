package io.herald.bridge.publish;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.Envelope;
import io.herald.bridge.envelope.EventNames;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.HeraldNode;
import io.herald.bridge.node.ConnectionIds;
import io.herald.bridge.presence.Presence;
import io.herald.bridge.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The one publish path behind the HTTP API and the WebSocket and SockJS {@code publish} frame:
 * validate, check the rules, then hand the event to the node ({@link HeraldNode#publish}), which
 * routes it to its target: one connection, everyone, or an address's subscribers through the
 * sequencer, which gives it its id (its position, on an address with history).
 */
public final class Publisher {

  private final HeraldNode node;
  private final AddressRules rules;

  public Publisher(HeraldNode node, AddressRules rules) {
    this.node = node;
    this.rules = rules;
  }

  /** A publish that passed every check and only waits to be sent. */
  public record Checked(String address, String type, Object body) {}

  /**
   * @throws HeraldException naming the first problem
   */
  public Checked check(Identity identity, Object address, Object type, Object data) {
    String addressProblem = AddressSyntax.problem(address);
    if (addressProblem != null) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, addressProblem);
    }
    String eventType = Envelope.DEFAULT_TYPE;
    if (type != null) {
      if (!(type instanceof String text) || !EventNames.isValid(text)) {
        throw new HeraldException(ErrorCode.BAD_TYPE,
            "type must be a string of letters, digits and . _ : @ - of at most " + EventNames.MAX_LENGTH + " characters");
      }
      if (text.startsWith(Presence.RESERVED_TYPE_PREFIX)) {
        throw new HeraldException(ErrorCode.BAD_TYPE, "event types presence.* are the node's own: they announce who joins and leaves");
      }
      eventType = text;
    }
    rules.require(identity, Operation.PUBLISH, (String) address);
    if (Targets.isConnection((String) address) && ConnectionIds.nodeKeyOf(Targets.connectionId((String) address)) == null) {
      // An id no node issues is no one's, known before anything is sent: a batch holding it publishes nothing.
      throw new HeraldException(ErrorCode.NO_CONNECTION, "no node holds a connection with that id");
    }
    return new Checked((String) address, eventType, busBody(data));
  }

  /**
   * Publishes and completes with the id every subscriber will see; fails with {@code unavailable}
   * when the address keeps history and the history cannot be written (nothing was published then).
   */
  public Future<String> publish(Checked event) {
    return node.publish(event.address(), event.type(), event.body(), System.currentTimeMillis())
        .recover(e -> Future.failedFuture(e instanceof HeraldException known ? known
            : new HeraldException(ErrorCode.UNAVAILABLE, "history is unavailable; the event was not published")));
  }

  /**
   * Turns parsed JSON into a value the event bus has a codec for. Nested values travel inside their
   * object or array; only a bare number may need narrowing.
   */
  public static Object busBody(Object data) {
    if (holdsNonFinite(data)) {
      throw new HeraldException(ErrorCode.BAD_DATA, "data must be a JSON value whose numbers fit in 64 bits");
    }
    if (data == null || data instanceof JsonObject || data instanceof JsonArray || data instanceof String
        || data instanceof Boolean || data instanceof Integer || data instanceof Long || data instanceof Double) {
      return data;
    }
    if (data instanceof Float f) {
      return f.doubleValue();
    }
    if (data instanceof Short || data instanceof Byte) {
      return ((Number) data).intValue();
    }
    if (data instanceof BigInteger big && big.bitLength() < 64) {
      return big.longValue();
    }
    if (data instanceof BigDecimal decimal && Double.isFinite(decimal.doubleValue())) {
      return decimal.doubleValue();
    }
    throw new HeraldException(ErrorCode.BAD_DATA, "data must be a JSON value that fits in 64 bits where it is a number");
  }

  /**
   * Whether a parsed value holds a number beyond a double's range anywhere: Jackson reads 1e400 as
   * an infinite double, which has no JSON form and would reach subscribers as the text "Infinity".
   */
  private static boolean holdsNonFinite(Object value) {
    if (value instanceof Double d) {
      return !Double.isFinite(d);
    }
    if (value instanceof Float f) {
      return !Float.isFinite(f);
    }
    Iterable<?> children = value instanceof JsonObject object ? object.getMap().values()
        : value instanceof JsonArray array ? array.getList()
        : value instanceof Map<?, ?> map ? map.values()
        : value instanceof List<?> list ? list
        : List.of();
    for (Object child : children) {
      if (holdsNonFinite(child)) {
        return true;
      }
    }
    return false;
  }
}
