package io.herald.bridge.envelope;

/**
 * Syntax of event types and ids: short tokens without spaces or line breaks, so they can stand in
 * an SSE {@code event:} or {@code id:} field without letting anyone inject another field.
 */
public final class EventNames {

  public static final int MAX_LENGTH = 64;

  private EventNames() {}

  /**
   * {@code [A-Za-z0-9][A-Za-z0-9._:@-]{0,63}}, checked by hand: it runs for the id and the type of
   * every event a node receives, where a regular expression's matcher cost more than the check.
   */
  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || !isAlphanumeric(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAlphanumeric(c) && c != '.' && c != '_' && c != ':' && c != '@' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** ASCII letters and digits only. */
  public static boolean isAlphanumeric(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }
}
