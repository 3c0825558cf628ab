package io.herald.bridge.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.address.AddressSyntax;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written checks accept exactly what their regular expressions (the specification) accept. */
class EventNamesTest {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}");
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_:@-]*(\\.[A-Za-z0-9_:@-]+)*");
  private static final String ALPHABET = "aZ09._:@-.. /\n\"\\é{}*";

  @Test
  void examples() {
    assertTrue(EventNames.isValid("message"));
    assertTrue(EventNames.isValid("a1b2:3@x-y_z.w"));
    assertTrue(EventNames.isValid("x".repeat(64)));
    assertFalse(EventNames.isValid("x".repeat(65)));
    assertFalse(EventNames.isValid(""));
    assertFalse(EventNames.isValid(null));
    assertFalse(EventNames.isValid(".starts-with-dot"));
    assertFalse(EventNames.isValid("line\nbreak"));
  }

  @Test
  void agreesWithTheRegularExpressionsOnRandomText() {
    Random random = new Random(4);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(i % 10 == 0 ? 80 : 8);
      for (int j = 0; j < length; j++) {
        text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String t = text.toString();
      assertEquals(NAME.matcher(t).matches(), EventNames.isValid(t), t);
      boolean address = ADDRESS.matcher(t).matches() && !t.startsWith(AddressSyntax.RESERVED_PREFIX);
      assertEquals(address, AddressSyntax.problem(t) == null, t);
    }
  }
}
