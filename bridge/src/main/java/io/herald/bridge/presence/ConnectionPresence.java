package io.herald.bridge.presence;

import io.herald.bridge.transport.ClientConnection;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One connection's presence, confined to the connection's event loop: which tracked addresses it is
 * present at, once each, and the order of its enters and leaves. A leave waits for the enter before
 * it (and an enter for the leave before it), so the store never sees them swapped, whatever the
 * network does with two asynchronous operations on one key.
 */
public final class ConnectionPresence {

  private static final class Slot {
    boolean present;
    Future<Void> last = Future.succeededFuture();
    // the timer that puts the entry again after a put failed, -1 if none
    long retry = -1;
  }

  private final Presence presence;
  private final ClientConnection connection;
  // Tracked addresses the connection is present at, or whose leave is still under way.
  private final Map<String, Slot> slots = new HashMap<>(4);

  ConnectionPresence(Presence presence, ClientConnection connection) {
    this.presence = presence;
    this.connection = connection;
  }

  /**
   * Records the connection at the address and announces {@code presence.join}; nothing when the
   * address keeps no presence or the connection is already there.
   *
   * @return completes once the entry is stored, or its put failed and will be tried again (never
   *     fails: presence is not worth a subscription)
   */
  public Future<Void> enter(String address) {
    if (!presence.tracks(address)) {
      return Future.succeededFuture();
    }
    Slot slot = slots.computeIfAbsent(address, a -> new Slot());
    if (slot.present) {
      return slot.last;
    }
    slot.present = true;
    return put(address, slot, 0);
  }

  /**
   * Puts the entry, in turn with the address's other operations. A put that failed is tried again
   * later, in turn as well, while the connection is still there: it is connected and subscribed, so
   * nobody else would ever store its entry, and every node would list it as absent.
   */
  private Future<Void> put(String address, Slot slot, long lastWait) {
    return after(address, slot, () -> presence.enter(connection, address, lastWait).map(stored -> {
      long wait = stored ? -1 : presence.retryAfter(lastWait);
      if (wait > 0 && slot.present) {
        slot.retry = presence.vertx().setTimer(wait, t -> {
          slot.retry = -1;
          if (slot.present) {
            put(address, slot, wait);
          }
        });
      }
      return null;
    }));
  }

  /** Removes the connection from the address and announces {@code presence.leave}, if it was there. */
  public Future<Void> leave(String address) {
    Slot slot = slots.get(address);
    if (slot == null || !slot.present) {
      return Future.succeededFuture();
    }
    slot.present = false;
    if (slot.retry != -1) {
      presence.vertx().cancelTimer(slot.retry);
      slot.retry = -1;
    }
    return after(address, slot, () -> presence.leave(connection, address));
  }

  /**
   * The connection's user changed (an anonymous connection authenticated): each of its entries is
   * replaced, announced as a leave of the anonymous connection and a join of the user.
   */
  public void renew() {
    for (Map.Entry<String, Slot> entry : List.copyOf(slots.entrySet())) {
      if (entry.getValue().present) {
        leave(entry.getKey());
        enter(entry.getKey());
      }
    }
  }

  /** Leaves every address: the connection is closing. */
  public Future<Void> leaveAll() {
    if (slots.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(List.copyOf(slots.keySet()).stream().map(this::leave).toList()).mapEmpty();
  }

  private Future<Void> after(String address, Slot slot, Supplier<Future<Void>> operation) {
    Future<Void> next = slot.last.transform(previous -> operation.get());
    slot.last = next;
    next.onComplete(done -> {
      if (!slot.present && slot.last == next) {
        slots.remove(address, slot);
      }
    });
    return next;
  }
}
