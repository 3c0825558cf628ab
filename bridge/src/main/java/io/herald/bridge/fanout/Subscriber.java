package io.herald.bridge.fanout;

import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;

/** Something on this node that receives the events of the addresses it subscribed to. */
public interface Subscriber {

  /** Must not block and must not throw; a subscriber that cannot take the event deals with it itself. */
  void deliver(EncodedEvent event);

  /**
   * Several events of one address, in order; by default one at a time. All of them were published
   * while this subscriber was subscribed, so a subscriber that leaves during the batch still gets
   * the rest of it, and nothing after.
   */
  default void deliver(EncodedBatch batch) {
    for (EncodedEvent event : batch.events()) {
      deliver(event);
    }
  }
}
