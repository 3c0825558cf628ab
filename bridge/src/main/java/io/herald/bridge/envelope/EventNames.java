package io.herald.bridge.envelope;

import java.util.regex.Pattern;

/**
 * Syntax of event types and ids: short tokens without spaces or line breaks, so they can stand in
 * an SSE {@code event:} or {@code id:} field without letting anyone inject another field.
 */
public final class EventNames {

  public static final int MAX_LENGTH = 64;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}");

  private EventNames() {}

  public static boolean isValid(String name) {
    return name != null && TOKEN.matcher(name).matches();
  }
}
