package io.herald.bridge.address;

import io.herald.bridge.envelope.EventNames;

/**
 * What a client-supplied address may look like, checked before any rule: dot-separated tokens of
 * letters, digits and {@code _ - : @}, at most {@value #MAX_LENGTH} characters. The {@code herald.}
 * prefix is Herald's own (control and lifecycle addresses) and clients may never name it.
 */
public final class AddressSyntax {

  public static final int MAX_LENGTH = 200;
  public static final String RESERVED_PREFIX = "herald.";

  private AddressSyntax() {}

  /** @return why the address is unusable, or {@code null} if it is well formed */
  public static String problem(Object address) {
    if (address == null) {
      return "address is missing";
    }
    if (!(address instanceof String text)) {
      return "address must be a string";
    }
    if (text.isEmpty()) {
      return "address is empty";
    }
    if (text.length() > MAX_LENGTH) {
      return "address " + printable(text) + " is longer than " + MAX_LENGTH + " characters";
    }
    if (!wellFormed(text)) {
      return "address " + printable(text) + " may hold only letters, digits and _ - : @ in dot-separated parts";
    }
    if (text.startsWith(RESERVED_PREFIX)) {
      return "address " + printable(text) + " is reserved: addresses under herald. are Herald's own";
    }
    return null;
  }

  /**
   * {@code [A-Za-z0-9][A-Za-z0-9_:@-]*(\.[A-Za-z0-9_:@-]+)*}, checked by hand: it runs for every
   * publish, where a regular expression's matcher cost more than the check.
   */
  private static boolean wellFormed(String text) {
    if (!EventNames.isAlphanumeric(text.charAt(0))) {
      return false;
    }
    boolean partEmpty = false;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        if (partEmpty) {
          return false;
        }
        partEmpty = true;
      } else if (EventNames.isAlphanumeric(c) || c == '_' || c == ':' || c == '@' || c == '-') {
        partEmpty = false;
      } else {
        return false;
      }
    }
    return !partEmpty;
  }

  /** Echoes a bad value back without control characters and without its whole length. */
  static String printable(String value) {
    String cut = value.length() > 48 ? value.substring(0, 48) + "..." : value;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
