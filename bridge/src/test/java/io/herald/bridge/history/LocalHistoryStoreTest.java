package io.herald.bridge.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalHistoryStoreTest {

  private static final Retention MINUTE = new Retention(100, Duration.ofMinutes(1));
  private static final long T0 = 1_000_000_000L;

  private static HistoryPage page(LocalHistoryStore store, String address) {
    return store.read(address, 0, 100, MINUTE).result();
  }

  @Test
  void theSweepAppliesRetentionToAddressesNobodyTouchesAndForgetsThemAfterADay() {
    AtomicLong now = new AtomicLong(T0);
    LocalHistoryStore store = new LocalHistoryStore(now::get);
    Position first = store.append("user.gone", "message", T0, "{\"n\":1}", MINUTE).result();
    store.append("user.gone", "message", T0, "{\"n\":2}", MINUTE);

    now.set(T0 + 30_000);
    store.append("user.active", "message", T0 + 30_000, "{\"n\":1}", MINUTE);
    assertEquals(0, store.sweep());

    // Past the retention, nobody having touched it: its events go, its position stays.
    now.set(T0 + 61_000);
    assertEquals(0, store.sweep());
    HistoryPage gone = page(store, "user.gone");
    assertEquals(List.of(), gone.events());
    assertEquals(2, gone.lastSeq());
    assertEquals(first.epoch(), gone.epoch());
    assertEquals(2, store.ownedAddresses());

    // A day after anyone last touched it (the read above counts), the empty log is forgotten; the
    // other one still has an event within its retention until it too ages out, then a day passes.
    now.set(T0 + 61_000 + LocalHistoryStore.FORGET_AFTER_MILLIS);
    assertEquals(2, store.sweep());
    assertEquals(0, store.ownedAddresses());
    assertEquals(HistoryPage.EMPTY, page(store, "user.gone"));

    // Its next event starts a new epoch, so an old cursor resumes as a reset, never as wrong events.
    Position again = store.append("user.gone", "message", now.get(), "{\"n\":3}", MINUTE).result();
    assertEquals(1, again.seq());
    assertNotEquals(first.epoch(), again.epoch());
  }

  @Test
  void anAddressWithEventsStillInItsRetentionIsKeptHoweverLongItIsIdle() {
    AtomicLong now = new AtomicLong(T0);
    LocalHistoryStore store = new LocalHistoryStore(now::get);
    Retention week = new Retention(100, Duration.ofDays(7));
    store.append("user.patient", "message", T0, "{}", week);
    now.set(T0 + 2 * LocalHistoryStore.FORGET_AFTER_MILLIS);
    assertEquals(0, store.sweep());
    assertEquals(1, store.read("user.patient", 0, 100, week).result().events().size());
  }

  @Test
  void appendsRacingTheSweepAreNeverWrittenToALogItForgets() throws Exception {
    AtomicLong now = new AtomicLong(T0);
    LocalHistoryStore store = new LocalHistoryStore(now::get);
    Retention instant = new Retention(100, Duration.ofMillis(1));
    AtomicBoolean appending = new AtomicBoolean(true);
    Thread sweeper = new Thread(() -> {
      while (appending.get()) {
        store.sweep();
      }
    });
    sweeper.start();
    try {
      for (int i = 0; i < 20_000; i++) {
        // A day on: the log's events have expired and nobody touched it, so a sweep may forget it
        // while this append is under way. Once appended to, at this time, it cannot be forgotten.
        now.addAndGet(LocalHistoryStore.FORGET_AFTER_MILLIS + 2);
        Position appended = store.append("user.raced", "message", now.get(), "{}", instant).result();
        HistoryPage page = store.read("user.raced", 0, 0, instant).result();
        assertEquals(appended, page.head(), "the append went to a log the address no longer has, at round " + i);
      }
    } finally {
      appending.set(false);
      sweeper.join();
    }
  }

  @Test
  void closedItKeepsNothingAndRefusesAppends() {
    LocalHistoryStore store = new LocalHistoryStore(() -> T0);
    for (int i = 0; i < 50; i++) {
      store.append("user." + i, "message", T0, "{\"n\":" + i + "}", MINUTE);
    }
    assertEquals(50, store.ownedAddresses());
    store.close();
    assertEquals(0, store.ownedAddresses());
    assertEquals(HistoryPage.EMPTY, page(store, "user.1"));
    assertTrue(store.append("user.1", "message", T0, "{}", MINUTE).failed());
    assertEquals(0, store.ownedAddresses(), "a refused append leaves no log behind");
  }
}
