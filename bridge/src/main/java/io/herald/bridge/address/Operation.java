package io.herald.bridge.address;

/** What a client wants to do with an address. */
public enum Operation {
  /** Receive what is published to the address. */
  SUBSCRIBE,
  /** Publish an event to every subscriber of the address. */
  PUBLISH,
  /** Send a point-to-point message, optionally expecting a reply (a service address). */
  SEND
}
