package io.herald.verticles.config;

/** A setting that cannot be used; the message names the setting and what was wrong. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
