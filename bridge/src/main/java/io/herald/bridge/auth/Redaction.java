package io.herald.bridge.auth;

import java.util.regex.Pattern;

/** Keeps tokens out of logs and error messages. */
public final class Redaction {

  // The server decodes parameter names and matches them regardless of case, so access%5Ftoken and
  // %41ccess_token carry a token as well as access_token does: every spelling is redacted.
  private static final Pattern QUERY_TOKEN = Pattern.compile("(?i)(" + anySpelling(TokenSources.QUERY_PARAMETER) + "=)[^&#\\s]*");

  private Redaction() {}

  /** The URI with the value of every {@code access_token} parameter replaced. */
  public static String uri(String uri) {
    return uri == null ? null : QUERY_TOKEN.matcher(uri).replaceAll("$1[redacted]");
  }

  /** A case-insensitive pattern for a name whose characters may each be percent-encoded. */
  private static String anySpelling(String name) {
    StringBuilder pattern = new StringBuilder();
    for (char c : name.toCharArray()) {
      pattern.append("(?:").append(Pattern.quote(String.valueOf(c)))
          .append(String.format("|%%%02x|%%%02x)", (int) Character.toLowerCase(c), (int) Character.toUpperCase(c)));
    }
    return pattern.toString();
  }
}
