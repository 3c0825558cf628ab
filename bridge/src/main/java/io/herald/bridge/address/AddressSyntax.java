package io.herald.bridge.address;

import java.util.regex.Pattern;

/**
 * What a client-supplied address may look like, checked before any rule: dot-separated tokens of
 * letters, digits and {@code _ - : @}, at most {@value #MAX_LENGTH} characters. The {@code herald.}
 * prefix is Herald's own (control and lifecycle addresses) and clients may never name it.
 */
public final class AddressSyntax {

  public static final int MAX_LENGTH = 200;
  public static final String RESERVED_PREFIX = "herald.";
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_:@-]*(\\.[A-Za-z0-9_:@-]+)*");

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
    if (!ADDRESS.matcher(text).matches()) {
      return "address " + printable(text) + " may hold only letters, digits and _ - : @ in dot-separated parts";
    }
    if (text.startsWith(RESERVED_PREFIX)) {
      return "address " + printable(text) + " is reserved: addresses under herald. are Herald's own";
    }
    return null;
  }

  /** Echoes a bad value back without control characters and without its whole length. */
  static String printable(String value) {
    String cut = value.length() > 48 ? value.substring(0, 48) + "..." : value;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
