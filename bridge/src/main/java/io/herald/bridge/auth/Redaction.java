package io.herald.bridge.auth;

import java.util.regex.Pattern;

/** Keeps tokens out of logs and error messages. */
public final class Redaction {

  private static final Pattern QUERY_TOKEN = Pattern.compile("(?i)(access_token=)[^&#\\s]*");

  private Redaction() {}

  /** The URI with the value of every {@code access_token} parameter replaced. */
  public static String uri(String uri) {
    return uri == null ? null : QUERY_TOKEN.matcher(uri).replaceAll("$1[redacted]");
  }
}
