package io.herald.bridge.history;

import io.herald.bridge.envelope.BusEnvelopes;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Gives a plain {@code eventBus().publish(address, body)} to an address with history its position,
 * on the node that sends it. That is the one place where a publish is seen exactly once: every node
 * subscribed to the address receives it, so recording it on receipt would record it once per node.
 * The raw publish is held back and published again, positioned, after the append. A live-only
 * event ({@link BusEnvelopes#isLive}, such as a presence event) passes as it is.
 */
public final class HistoryInterceptor implements Handler<DeliveryContext<Object>> {

  private static final Logger LOG = System.getLogger(HistoryInterceptor.class.getName());

  private final Sequencer sequencer;

  public HistoryInterceptor(Sequencer sequencer) {
    this.sequencer = sequencer;
  }

  @Override
  public void handle(DeliveryContext<Object> context) {
    Message<Object> message = context.message();
    if (context.send() || BusEnvelopes.isPositioned(message) || BusEnvelopes.isLive(message) || !sequencer.history().keeps(message.address())) {
      context.next();
      return;
    }
    sequencer.publish(message.address(), BusEnvelopes.typeOf(message), context.body(), System.currentTimeMillis())
        .onFailure(e -> LOG.log(Level.WARNING, "an event published to {0} was not delivered: history append failed: {1}",
            message.address(), e.getMessage()));
  }
}
