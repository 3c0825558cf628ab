package io.herald.bridge.envelope;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * The one place that maps between event-bus messages and envelopes.
 *
 * <p>On the bus, an event's body is its data as it is, so services that consume the address see
 * exactly what was published; Herald's metadata travels in headers. A plain
 * {@code eventBus().publish(address, body)} has no such headers: the receiving node assigns the id
 * and takes its receive time as {@code ts}.
 */
public final class BusEnvelopes {

  public static final String HEADER_ID = "herald-id";
  public static final String HEADER_TYPE = "herald-type";
  public static final String HEADER_TS = "herald-ts";

  private BusEnvelopes() {}

  /** Delivery options that carry an envelope's metadata alongside its body. */
  public static DeliveryOptions deliveryOptions(String id, String type, long ts) {
    return new DeliveryOptions()
        .addHeader(HEADER_ID, id)
        .addHeader(HEADER_TYPE, type)
        .addHeader(HEADER_TS, Long.toString(ts));
  }

  /**
   * @throws IllegalArgumentException if the body has no JSON form
   */
  public static Envelope fromMessage(Message<?> message, EventIds ids, long now) {
    MultiMap headers = message.headers();
    String id = headers.get(HEADER_ID);
    String type = headers.get(HEADER_TYPE);
    String ts = headers.get(HEADER_TS);
    return new Envelope(
        id != null && EventNames.isValid(id) ? id : ids.next(),
        message.address(),
        type != null && EventNames.isValid(type) ? type : Envelope.DEFAULT_TYPE,
        parseTs(ts, now),
        JsonText.encodeBody(message.body()));
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
