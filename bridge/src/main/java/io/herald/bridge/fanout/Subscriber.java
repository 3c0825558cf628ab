package io.herald.bridge.fanout;

import io.herald.bridge.envelope.EncodedEvent;

/** Something on this node that receives the events of the addresses it subscribed to. */
public interface Subscriber {

  /** Must not block and must not throw; a subscriber that cannot take the event deals with it itself. */
  void deliver(EncodedEvent event);
}
