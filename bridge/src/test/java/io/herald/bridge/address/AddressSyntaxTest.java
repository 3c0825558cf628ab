package io.herald.bridge.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressSyntaxTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "public.ticker", "user.42:inbox", "group.g_1.x-y@z", "a.-b", "heraldx", "herald", "Herald.x"})
  void acceptsWellFormedAddresses(String address) {
    assertNull(AddressSyntax.problem(address));
  }

  @Test
  void acceptsExactlyTheMaximumLength() {
    String longest = "public." + "a".repeat(AddressSyntax.MAX_LENGTH - 7);
    assertEquals(AddressSyntax.MAX_LENGTH, longest.length());
    assertNull(AddressSyntax.problem(longest));
    assertNotNull(AddressSyntax.problem(longest + "a"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".a", "a.", "a..b", "-a", "_a", "a b", "a/b", "a*", "public.*", "a\nb", "é.x", "a.b.", "a#b"})
  void refusesMalformedAddresses(String address) {
    assertNotNull(AddressSyntax.problem(address));
  }

  @Test
  void refusesNonStringsAndNull() {
    assertEquals("address is missing", AddressSyntax.problem(null));
    assertEquals("address must be a string", AddressSyntax.problem(42));
  }

  @ParameterizedTest
  @ValueSource(strings = {"herald.x", "herald.control.close", "herald.a.b"})
  void reservesTheHeraldPrefix(String address) {
    assertTrue(AddressSyntax.problem(address).contains("reserved"));
  }

  @Test
  void echoesBadValuesWithoutControlCharactersAndCut() {
    String problem = AddressSyntax.problem("bad\naddress\u0000");
    assertTrue(problem.contains("'bad?address?'"), problem);
    assertFalse(problem.contains("\n"));
    String longProblem = AddressSyntax.problem("x".repeat(500));
    assertTrue(longProblem.contains("'" + "x".repeat(48) + "...'"), longProblem);
    assertFalse(longProblem.contains("x".repeat(49)));
  }
}
