package io.herald.bridge.envelope;

import io.herald.bridge.history.Position;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * The one place that maps between event-bus messages and envelopes.
 *
 * <p>On the bus, an event's body is its data as it is, so services that consume the address see
 * exactly what was published; Herald's metadata travels in headers. A plain
 * {@code eventBus().publish(address, body)} has no such headers: the receiving node assigns the id
 * and takes its receive time as {@code ts}. An event of an address with history also carries its
 * position, which is then its id.
 *
 * <p>An event with the {@code herald-live} header is live only: it is delivered to current
 * subscribers without a position, and the node that sends it does not record it in history even
 * when the address keeps history. Presence events ({@code presence.join}, {@code presence.leave})
 * are such events: they are about the address's subscribers, not part of its stream.
 */
public final class BusEnvelopes {

  public static final String HEADER_ID = "herald-id";
  public static final String HEADER_TYPE = "herald-type";
  public static final String HEADER_TS = "herald-ts";
  public static final String HEADER_POSITION = "herald-pos";
  public static final String HEADER_LIVE = "herald-live";

  private BusEnvelopes() {}

  /** Delivery options that carry an envelope's metadata alongside its body. */
  public static DeliveryOptions deliveryOptions(String id, String type, long ts) {
    return new DeliveryOptions()
        .addHeader(HEADER_ID, id)
        .addHeader(HEADER_TYPE, type)
        .addHeader(HEADER_TS, Long.toString(ts));
  }

  /** Delivery options of an event that history has given a position. */
  public static DeliveryOptions positioned(Position position, String type, long ts) {
    return positioned(position.toString(), type, ts);
  }

  /** The same, with the position already in its text form ({@code Position.toString()}). */
  public static DeliveryOptions positioned(String position, String type, long ts) {
    return deliveryOptions(position, type, ts).addHeader(HEADER_POSITION, position);
  }

  /** Delivery options of an event for current subscribers only: no position, never recorded in history. */
  public static DeliveryOptions live(String id, String type, long ts) {
    return deliveryOptions(id, type, ts).addHeader(HEADER_LIVE, "1");
  }

  /** Whether a message already went through history (or needs no position). */
  public static boolean isPositioned(Message<?> message) {
    return message.headers().contains(HEADER_POSITION);
  }

  /** Whether a message is live only: it passes by history without a position. */
  public static boolean isLive(Message<?> message) {
    return message.headers().contains(HEADER_LIVE);
  }

  /** The event type a publisher named in the headers, or the default. */
  public static String typeOf(Message<?> message) {
    String type = message.headers().get(HEADER_TYPE);
    return type != null && EventNames.isValid(type) ? type : Envelope.DEFAULT_TYPE;
  }

  /**
   * @throws IllegalArgumentException if the body has no JSON form
   */
  public static Envelope fromMessage(Message<?> message, EventIds ids, long now) {
    return fromMessage(message, message.address(), ids, now);
  }

  /**
   * With the address as the caller holds it, equal to the message's: a hub gives every event of an
   * address the same String, so a connection finds its cursor by identity ({@code Cursors}).
   *
   * @throws IllegalArgumentException if the body has no JSON form
   */
  public static Envelope fromMessage(Message<?> message, String address, EventIds ids, long now) {
    MultiMap headers = message.headers();
    String positionText = headers.get(HEADER_POSITION);
    Position position = Position.parse(positionText);
    // A position's text is its id (Herald writes it as Position.toString(); read back as it came).
    String id = position != null ? positionText : headers.get(HEADER_ID);
    return new Envelope(
        id != null && EventNames.isValid(id) ? id : ids.next(),
        address,
        typeOf(message),
        parseTs(headers.get(HEADER_TS), now),
        JsonText.encodeBody(message.body()),
        position);
  }

  private static long parseTs(String ts, long fallback) {
    if (ts == null) {
      return fallback;
    }
    try {
      return Long.parseLong(ts);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
