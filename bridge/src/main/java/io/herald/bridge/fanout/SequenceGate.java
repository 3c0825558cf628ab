package io.herald.bridge.fanout;

import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.Envelope;
import io.herald.bridge.history.History;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.Position;
import io.herald.bridge.history.StoredEvent;
import io.herald.bridge.metrics.DropReason;
import io.herald.bridge.metrics.HeraldMetrics;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Lets the events of one address with history through in position order, each once.
 *
 * <p>Positions are assigned by history, but the publishes carrying them travel the bus from
 * whichever node appended them and may arrive out of order, or twice around a member change. The
 * gate passes the next expected position at once, drops anything at or before it, and holds events
 * that arrive early. If the missing ones do not turn up within {@code gapWait} (their publisher died
 * between the append and the publish), it reads them from history, where they are since the append
 * came first.
 *
 * <p>An event of another epoch than the gate's starts a new history only if history says that epoch
 * is its own: a late publish from a history that was lost, or a service re-publishing an event with
 * its position, must not take every subscriber back to an old epoch (a reset, then the current
 * epoch's events again from its first).
 *
 * <p>Where the gate passes over positions (history no longer has them) or moves to another epoch, it
 * calls {@code breakInStream} before the next event, so that no batch spans the break: a
 * connection judges a batch by its first event, and must see the break to send its client a reset.
 *
 * <p>Confined to the hub's event loop.
 */
final class SequenceGate {

  private static final int MAX_FILL = 500;

  private final Vertx vertx;
  private final History history;
  private final String address;
  private final long gapWaitMillis;
  private final Consumer<EncodedEvent> next;
  private final Runnable breakInStream;
  private final HeraldMetrics metrics;
  private final TreeMap<Long, EncodedEvent> early = new TreeMap<>();
  // Events of epochs other than the gate's, held while history is asked which epoch is its own.
  private final Map<String, TreeMap<Long, EncodedEvent>> unconfirmed = new LinkedHashMap<>();
  private boolean confirming;
  // Where the address stands: kept as text and number, not as the last event's position, which
  // would be a young object stored into this long-lived gate on every event (a card for each young
  // collection to scan). The epoch is null until the gate is started.
  private String lastEpoch;
  private long lastSeq;
  private long gapTimer = -1;
  private boolean closed;

  /**
   * @param next takes the events let through, in order
   * @param breakInStream runs before the first event after a gap or a change of epoch: the hub hands
   *     out what it holds, so the next event starts a batch of its own
   */
  SequenceGate(Vertx vertx, History history, String address, long gapWaitMillis, Consumer<EncodedEvent> next, Runnable breakInStream,
      HeraldMetrics metrics) {
    this.vertx = vertx;
    this.history = history;
    this.address = address;
    this.gapWaitMillis = gapWaitMillis;
    this.next = next;
    this.breakInStream = breakInStream;
    this.metrics = metrics;
  }

  /** The position of the last event let through; {@link Position#NONE} before the first. */
  Position position() {
    return lastEpoch == null ? Position.NONE : new Position(lastEpoch, lastSeq);
  }

  /** Sets where the address stood when its consumer was registered; events held until then are sorted out. */
  void start(Position head) {
    lastEpoch = head.epoch();
    lastSeq = head.seq();
    var held = new ArrayList<>(early.values());
    early.clear();
    held.forEach(this::offer);
  }

  void offer(EncodedEvent event) {
    Position p = event.envelope().position();
    if (lastEpoch == null) {
      early.put(p.seq(), event);
      return;
    }
    if (!p.epoch().equals(lastEpoch)) {
      if (lastEpoch.isEmpty() && p.seq() == 1 && unconfirmed.isEmpty()) {
        // The address had no history when its consumer started, and this is the first event of the
        // history begun since: nothing older to be taken back to, so no read of history's epoch (the
        // first event of every new address on every node would otherwise wait for one).
        lastEpoch = p.epoch();
        lastSeq = 0;
      } else {
        unconfirmed.computeIfAbsent(p.epoch(), epoch -> new TreeMap<>()).put(p.seq(), event);
        confirmEpoch();
        return;
      }
    }
    if (p.seq() <= lastSeq) {
      metrics.dropped(DropReason.DUPLICATE, 1);
      return;
    }
    if (p.seq() == lastSeq + 1) {
      pass(event);
      release();
      return;
    }
    early.put(p.seq(), event);
    armGapTimer();
  }

  /**
   * Asks history for its epoch and moves to it if events of it are held: the address's first
   * history, or its history was lost and begun again, and numbering starts over at 1. Events of any
   * other epoch are not history's and are dropped. If history cannot be read, the events are taken
   * as they come, as before there was this check.
   */
  private void confirmEpoch() {
    if (confirming || closed) {
      return;
    }
    confirming = true;
    history.head(address).onComplete(read -> {
      confirming = false;
      if (closed) {
        return;
      }
      var held = new ArrayList<>(unconfirmed.entrySet());
      unconfirmed.clear();
      for (Map.Entry<String, TreeMap<Long, EncodedEvent>> epoch : held) {
        if (!epoch.getKey().equals(lastEpoch)) {
          if (read.succeeded() && !epoch.getKey().equals(read.result().epoch())) {
            metrics.dropped(DropReason.STALE_EPOCH, epoch.getValue().size());
            continue;
          }
          early.clear();
          breakInStream.run();
          lastEpoch = epoch.getKey();
          lastSeq = 0;
        }
        epoch.getValue().values().forEach(this::offer);
      }
    });
  }

  private void armGapTimer() {
    if (gapTimer < 0 && !closed) {
      gapTimer = vertx.setTimer(gapWaitMillis, id -> {
        gapTimer = -1;
        fillGap();
      });
    }
  }

  void close() {
    closed = true;
    early.clear();
    unconfirmed.clear();
    if (gapTimer >= 0) {
      vertx.cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }

  private void pass(EncodedEvent event) {
    // Only events of the gate's epoch get here: offer moved it to theirs, and a gap is filled from it.
    lastSeq = event.envelope().position().seq();
    next.accept(event);
  }

  /** Lets through what was held and is now next; drops what is now behind. */
  private void release() {
    while (!early.isEmpty()) {
      long seq = early.firstKey();
      if (seq <= lastSeq) {
        early.pollFirstEntry();
        metrics.dropped(DropReason.DUPLICATE, 1);
      } else if (seq == lastSeq + 1) {
        pass(early.pollFirstEntry().getValue());
      } else {
        // Another gap behind: it gets its wait too. Arming is a no-op while a wait runs, and it is
        // needed after a fill, whose timer has fired: no later event may ever come to arm one.
        armGapTimer();
        return;
      }
    }
    if (gapTimer >= 0) {
      vertx.cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }

  private void fillGap() {
    if (closed || early.isEmpty() || lastEpoch == null) {
      return;
    }
    Position from = position();
    int limit = (int) Math.min(early.firstKey() - from.seq() - 1, MAX_FILL);
    // Every event held now was appended before it was published, so history's head covers it.
    java.util.Set<Long> heldBefore = java.util.Set.copyOf(early.keySet());
    history.read(address, from.seq(), limit).onComplete(read -> {
      if (closed) {
        return;
      }
      if (!from.equals(position())) {
        // Events arrived meanwhile; whatever is still missing gets its own wait.
        if (!early.isEmpty()) {
          armGapTimer();
        }
        return;
      }
      if (read.succeeded() && read.result().epoch().equals(from.epoch())) {
        HistoryPage page = read.result();
        // Positions come only from history: a held event beyond its head was not given one there
        // (a service set the header itself). Skipping ahead to it would drop the real events as
        // duplicates, so it is dropped instead.
        long beyond = heldBefore.stream().filter(seq -> seq > page.lastSeq()).filter(seq -> early.remove(seq) != null).count();
        if (beyond > 0) {
          metrics.dropped(DropReason.BEYOND_HEAD, beyond);
        }
        for (StoredEvent stored : page.events()) {
          if (stored.seq() <= lastSeq) {
            continue;
          }
          if (stored.seq() > lastSeq + 1) {
            // A page runs without a hole from the oldest event history still keeps: those before
            // this one were dropped by retention. Skip only them, not what history still has.
            metrics.dropped(DropReason.GAP, stored.seq() - 1 - lastSeq);
            breakInStream.run();
            lastSeq = stored.seq() - 1;
          }
          pass(new EncodedEvent(Envelope.replayed(address, page.epoch(), stored)));
        }
        if (page.events().size() == limit && !early.isEmpty() && early.firstKey() > lastSeq + 1) {
          fillGap();
          return;
        }
      }
      if (!early.isEmpty() && early.firstKey() > lastSeq + 1) {
        // Not in history either (aged out, or history unreachable): go on from what is here.
        metrics.dropped(DropReason.GAP, early.firstKey() - 1 - lastSeq);
        breakInStream.run();
        lastSeq = early.firstKey() - 1;
      }
      release();
    });
  }
}
