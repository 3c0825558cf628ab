package io.herald.bridge.address;

import io.herald.bridge.envelope.EventNames;

/**
 * What a client-supplied address may look like, checked before any rule: dot-separated tokens of
 * letters, digits, {@code _ - : @} and {@code %XX} escapes, at most {@value #MAX_LENGTH} characters.
 * The {@code herald.} prefix is Herald's own (control and lifecycle addresses) and clients may never
 * name it.
 *
 * <p>Any string becomes one address part through {@link #part}, which is how a user's {@code sub}
 * names its address: a user address ({@code user.} and one part) may be up to
 * {@value #MAX_USER_LENGTH} characters, so that every {@code sub} of up to {@value #MAX_SUBJECT_BYTES}
 * bytes (OpenID Connect's limit) fits however many of its characters need escaping.
 */
public final class AddressSyntax {

  public static final int MAX_LENGTH = 200;
  public static final String RESERVED_PREFIX = "herald.";
  public static final String USER_PREFIX = "user.";
  /** The longest {@code sub} (in UTF-8 bytes) whose user address always fits. */
  public static final int MAX_SUBJECT_BYTES = 255;
  /** {@code user.} and one part that is a {@link #MAX_SUBJECT_BYTES}-byte {@code sub} with every byte escaped. */
  public static final int MAX_USER_LENGTH = 5 + 3 * MAX_SUBJECT_BYTES; // 5: "user."

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

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
      int limit = isUserAddress(text) ? MAX_USER_LENGTH : MAX_LENGTH;
      if (text.length() > limit) {
        return "address " + printable(text) + " is longer than " + limit + " characters";
      }
    }
    if (!wellFormed(text)) {
      return "address " + printable(text) + " may hold only letters, digits, _ - : @ and %XX escapes in dot-separated parts";
    }
    if (text.startsWith(RESERVED_PREFIX)) {
      return "address " + printable(text) + " is reserved: addresses under herald. are Herald's own";
    }
    return null;
  }

  /** {@code user.} and one part: a user's own address, not one of the addresses under it (those keep the usual limit). */
  private static boolean isUserAddress(String text) {
    return text.startsWith(USER_PREFIX) && text.indexOf('.', USER_PREFIX.length()) < 0;
  }

  /**
   * {@code [A-Za-z0-9]([A-Za-z0-9_:@-]|%[0-9A-F]{2})*(\.([A-Za-z0-9_:@-]|%[0-9A-F]{2})+)*}, checked by
   * hand: it runs for every publish, where a regular expression's matcher cost more than the check.
   * Escapes are upper-case only, as {@link #part} writes them, so a value has one address.
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
      } else if (plain(c)) {
        partEmpty = false;
      } else if (escapeAt(text, i)) {
        partEmpty = false;
        i += 2;
      } else {
        return false;
      }
    }
    return !partEmpty;
  }

  /** Whether {@code value} is one well-formed address part, as {@link #part} writes one or a group names its address. */
  public static boolean isPart(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (escapeAt(value, i)) {
        i += 2;
      } else if (!plain(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean plain(char c) {
    return EventNames.isAlphanumeric(c) || c == '_' || c == ':' || c == '@' || c == '-';
  }

  /** Whether a {@code %XX} escape, upper-case as {@link #part} writes it, starts at {@code i}. */
  private static boolean escapeAt(String text, int i) {
    return text.charAt(i) == '%' && i + 2 < text.length() && hexDigit(text.charAt(i + 1)) && hexDigit(text.charAt(i + 2));
  }

  private static boolean hexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  }

  /**
   * The one address part that stands for {@code value}, whatever it holds: letters, digits and
   * {@code _ - : @} are kept, every other character is written as the {@code %XX} escapes of its
   * UTF-8 bytes ({@code .} as {@code %2E}, {@code |} as {@code %7C}, {@code %} as {@code %25}). A
   * value that is already one plain part is its own part, and no two values share one. A lone
   * surrogate, which has no UTF-8 form, is escaped as the three bytes its code unit would take,
   * so that it too has a part of its own.
   */
  public static String part(String value) {
    int i = 0;
    while (i < value.length() && plain(value.charAt(i))) {
      i++;
    }
    if (i == value.length()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
    while (i < value.length()) {
      char c = value.charAt(i);
      if (plain(c)) {
        out.append(c);
        i++;
        continue;
      }
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        escape(out, cp);
      } else if (cp < 0x800) {
        escape(out, 0xC0 | cp >> 6);
        escape(out, 0x80 | cp & 0x3F);
      } else if (cp < 0x10000) {
        escape(out, 0xE0 | cp >> 12);
        escape(out, 0x80 | cp >> 6 & 0x3F);
        escape(out, 0x80 | cp & 0x3F);
      } else {
        escape(out, 0xF0 | cp >> 18);
        escape(out, 0x80 | cp >> 12 & 0x3F);
        escape(out, 0x80 | cp >> 6 & 0x3F);
        escape(out, 0x80 | cp & 0x3F);
      }
    }
    return out.toString();
  }

  private static void escape(StringBuilder out, int b) {
    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
  }

  /** Echoes a bad value back without control characters and without its whole length. */
  static String printable(String value) {
    String cut = value.length() > 48 ? value.substring(0, 48) + "..." : value;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
