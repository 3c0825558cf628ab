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

  @ParameterizedTest
  @ValueSource(strings = {"user.auth0%7C42", "user.%2E", "a.b%25c", "a%C3%A9"})
  void acceptsUpperCaseEscapes(String address) {
    assertNull(AddressSyntax.problem(address));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a%", "a%7", "a%7c", "a%G0", "%41", "a.%", "user.a%2"})
  void refusesBrokenOrLowerCaseEscapes(String address) {
    assertNotNull(AddressSyntax.problem(address));
  }

  @Test
  void aUserAddressHasRoomForAnyOidcSub() {
    String longest = "user." + AddressSyntax.part("|".repeat(AddressSyntax.MAX_SUBJECT_BYTES));
    assertEquals(AddressSyntax.MAX_USER_LENGTH, longest.length());
    assertNull(AddressSyntax.problem(longest));
    assertNotNull(AddressSyntax.problem(longest + "a"));
    // Only the user's own address: its sub-addresses and other addresses keep the usual limit.
    assertNotNull(AddressSyntax.problem("user.a." + "b".repeat(AddressSyntax.MAX_LENGTH)));
  }

  @Test
  void aPartKeepsPlainValuesAndEscapesEverythingElseOnce() {
    assertEquals("auth0-x_1:y@z", AddressSyntax.part("auth0-x_1:y@z"));
    assertEquals("a%2Eb", AddressSyntax.part("a.b"));
    assertEquals("a%2Cb%3Dc", AddressSyntax.part("a,b=c"));
    assertEquals("%25", AddressSyntax.part("%"));
    assertEquals("%F0%9F%98%80", AddressSyntax.part("\uD83D\uDE00"));
    assertEquals("%ED%A0%BD", AddressSyntax.part("\uD83D"));
    assertEquals("%C3%A9", AddressSyntax.part("\u00E9"));
    // Escaping cannot make two values one: an escape's own % is escaped.
    assertEquals(false, AddressSyntax.part("%2E").equals(AddressSyntax.part(".")));
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
