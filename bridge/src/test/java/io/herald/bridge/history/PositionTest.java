package io.herald.bridge.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written reader accepts exactly what its regular expression (the specification) accepts. */
class PositionTest {

  private static final Pattern TEXT = Pattern.compile("([A-Za-z0-9]{0,16})\\.(\\d{1,18})");
  private static final String ALPHABET = "aZ09.9.x-é ";

  @Test
  void examples() {
    assertEquals(new Position("Ab3dE9x2kQ", 42), Position.parse("Ab3dE9x2kQ.42"));
    assertEquals(new Position("", 0), Position.parse(".0"));
    assertEquals(new Position("e", 999_999_999_999_999_999L), Position.parse("e.999999999999999999"));
    assertNull(Position.parse("e.1000000000000000000"));
    assertNull(Position.parse("e."));
    assertNull(Position.parse("e.1.2"));
    assertNull(Position.parse("x".repeat(17) + ".1"));
    assertNull(Position.parse(null));
  }

  @Test
  void agreesWithTheRegularExpressionOnRandomText() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(i % 10 == 0 ? 40 : 10);
      for (int j = 0; j < length; j++) {
        text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String t = text.toString();
      Matcher m = TEXT.matcher(t);
      Position expected = m.matches() ? new Position(m.group(1), Long.parseLong(m.group(2))) : null;
      assertEquals(expected, Position.parse(t), t);
    }
  }

  @Test
  void aRunEndingAtAPositionIsItsPredecessorsInOrder() {
    Position last = new Position("e1", 7);
    assertEquals(List.of(new Position("e1", 5), new Position("e1", 6), last), last.runEndingHere(3));
    assertEquals(List.of(last), last.runEndingHere(1));
  }
}
