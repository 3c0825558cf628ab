package io.herald.bridge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.history.Position;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CursorsTest {

  @Test
  void movesEachCursorInPlaceAndKeepsItsEpochTextUntilTheEpochChanges() {
    Cursors cursors = new Cursors();
    String epoch = "E1";
    cursors.moveTo("user.alice", new Position(epoch, 1));
    Cursors.Cursor cursor = cursors.cursor("user.alice");
    // Every received event brings its own copy of the epoch's text.
    cursors.moveTo("user.alice", new Position(new String("E1"), 2));
    assertSame(cursor, cursors.cursor("user.alice"));
    assertSame(epoch, cursor.epoch());
    assertEquals(2, cursor.seq());
    cursors.moveTo("user.alice", new Position("E2", 1));
    assertEquals(new Position("E2", 1), cursors.position("user.alice"));
    assertNull(cursors.position("user.bob"));
    assertFalse(cursors.has("user.bob"));
  }

  @Test
  void readsAsAReadOnlyMapOfPositionsInSubscriptionOrder() {
    Cursors cursors = new Cursors();
    cursors.moveTo("group.b", new Position("E1", 4));
    cursors.moveTo("group.a", Position.NONE);
    cursors.moveTo("group.b", new Position("E1", 5));
    Map<String, Position> view = cursors.asPositions();
    assertEquals(List.of("group.b", "group.a"), List.copyOf(view.keySet()));
    assertEquals(Map.of("group.b", new Position("E1", 5), "group.a", Position.NONE), view);
    assertThrows(UnsupportedOperationException.class, () -> view.put("group.c", Position.NONE));
    assertThrows(UnsupportedOperationException.class, () -> view.entrySet().iterator().next().setValue(Position.NONE));
    cursors.remove("group.b");
    assertEquals(1, view.size());
    assertTrue(view.containsKey("group.a"));
    cursors.clear();
    assertTrue(view.isEmpty());
  }

  @Test
  void aRemovedCursorIsNotFoundAgainUnderTheStringItWasLastFoundBy() {
    Cursors cursors = new Cursors();
    String address = "user.alice";
    cursors.moveTo(address, new Position("E1", 3));
    Cursors.Cursor first = cursors.cursor(address);
    assertSame(first, cursors.cursor(address));
    // Removed under an equal String of its own, as an unsubscribe frame's address would be.
    cursors.remove(new String(address));
    assertNull(cursors.cursor(address));
    cursors.moveTo(address, new Position("E1", 7));
    Cursors.Cursor second = cursors.cursor(address);
    assertEquals(7, second.seq());
    assertSame(second, cursors.cursor(new String(address)));
    cursors.clear();
    assertNull(cursors.cursor(address));
    assertNull(cursors.cursor(new String(address)));
  }
}
