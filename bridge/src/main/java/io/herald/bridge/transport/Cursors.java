package io.herald.bridge.transport;

import io.herald.bridge.history.Position;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A connection's cursor in each of its addresses with history, in subscription order, each moved
 * in place as events go out.
 *
 * <p>Why not a map of positions: each event's position is a young object, and storing it in a
 * long-lived connection's map marks that connection's memory for the next young collection to scan
 * and keeps the position alive until then. With 10 000 connections, each given its own user's
 * events, that scanning was most of what history added to a collection's pause (bench W4, GC log).
 * A cursor keeps the sequence number as a number and takes the epoch's text only when it changes.
 */
final class Cursors {

  /** One address's cursor; its epoch is replaced only by a different one. */
  static final class Cursor {
    private String epoch;
    private long seq;

    private Cursor(Position at) {
      epoch = at.epoch();
      seq = at.seq();
    }

    String epoch() {
      return epoch;
    }

    long seq() {
      return seq;
    }

    void moveTo(Position at) {
      if (!epoch.equals(at.epoch())) {
        epoch = at.epoch();
      }
      seq = at.seq();
    }

    Position position() {
      return new Position(epoch, seq);
    }
  }

  private final Map<String, Cursor> cursors = new LinkedHashMap<>(4);
  private final Map<String, Position> view = new PositionView();
  // The cursor last found, under the String it was asked for. A hub gives every event of an address
  // the same String, so the next event of that address finds it by identity. With thousands of
  // connections the map's lookup is several cache misses per event (its table, node and key), and
  // on a node of per-user addresses (bench W4) it was a fifteenth of the event loop's time.
  private String lastAddress;
  private Cursor lastCursor;

  /** The address's cursor, {@code null} when it has none. */
  Cursor cursor(String address) {
    if (address == lastAddress) {
      return lastCursor;
    }
    Cursor found = cursors.get(address);
    if (found != null) {
      lastAddress = address;
      lastCursor = found;
    }
    return found;
  }

  boolean has(String address) {
    return cursors.containsKey(address);
  }

  Position position(String address) {
    Cursor cursor = cursors.get(address);
    return cursor == null ? null : cursor.position();
  }

  void moveTo(String address, Position at) {
    Cursor cursor = cursors.get(address);
    if (cursor == null) {
      cursors.put(address, new Cursor(at));
    } else {
      cursor.moveTo(at);
    }
  }

  /**
   * Moves {@code known}, the address's cursor as already looked up, or starts one when it had none:
   * with thousands of connections each lookup is a cache miss, so an event pays for one, not two.
   */
  void moveTo(String address, Cursor known, Position at) {
    if (known != null) {
      known.moveTo(at);
    } else {
      cursors.put(address, new Cursor(at));
    }
  }

  void remove(String address) {
    cursors.remove(address);
    if (address.equals(lastAddress)) {
      forgetLast();
    }
  }

  void clear() {
    cursors.clear();
    forgetLast();
  }

  private void forgetLast() {
    lastAddress = null;
    lastCursor = null;
  }

  /** A read-only view as positions, in subscription order; each read makes its positions afresh. */
  Map<String, Position> asPositions() {
    return view;
  }

  private final class PositionView extends AbstractMap<String, Position> {
    @Override
    public int size() {
      return cursors.size();
    }

    @Override
    public boolean containsKey(Object address) {
      return cursors.containsKey(address);
    }

    @Override
    public Position get(Object address) {
      Cursor cursor = cursors.get(address);
      return cursor == null ? null : cursor.position();
    }

    @Override
    public Set<Entry<String, Position>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return cursors.size();
        }

        @Override
        public Iterator<Entry<String, Position>> iterator() {
          Iterator<Entry<String, Cursor>> entries = cursors.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return entries.hasNext();
            }

            @Override
            public Entry<String, Position> next() {
              Entry<String, Cursor> entry = entries.next();
              return Map.entry(entry.getKey(), entry.getValue().position());
            }
          };
        }
      };
    }
  }
}
