package io.herald.verticles.config;

import io.herald.bridge.address.RuleSet;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a node's address rules come from: the defaults, a rules file ({@code --rules}), or the
 * {@code rules} key of the config file. A file is read again when it changes.
 *
 * @param file the file the rules are in (the rules file or the config file), {@code null} for the defaults
 * @param inline the rules as the config file held them at start, {@code null} unless they are written there
 */
public record RulesSource(Path file, JsonObject inline) {

  public static final RulesSource DEFAULTS = new RulesSource(null, null);

  static RulesSource file(Path file) {
    return new RulesSource(file, null);
  }

  static RulesSource inline(Path configFile, JsonObject rules) {
    return new RulesSource(configFile, rules);
  }

  public boolean isDefault() {
    return file == null;
  }

  /** The rules at start: the defaults, the inline rules, or the rules file read now (call off the event loop). */
  public RuleSet load() {
    if (file == null) {
      return RuleSet.defaults();
    }
    if (inline != null) {
      return parse(inline);
    }
    return reload();
  }

  /**
   * Reads the file as it is now.
   *
   * @throws ConfigException naming the file and the problem
   */
  public RuleSet reload() {
    try {
      if (inline != null) {
        JsonObject rules = ConfigFile.read(file).inlineRules();
        if (rules == null) {
          throw new ConfigException(where() + ": holds no rules any more");
        }
        return parse(rules);
      }
      return parse(new JsonObject(Files.readString(file)));
    } catch (IOException e) {
      throw new ConfigException(where() + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    } catch (DecodeException e) {
      throw new ConfigException(where() + ": not a JSON object");
    }
  }

  /**
   * The rules in the file's content as just read, so that what is parsed is what was read: a rules
   * file is parsed from these bytes, not read a second time; inline rules are read again with the
   * rest of the config file.
   *
   * @throws ConfigException naming the file and the problem
   */
  public RuleSet parse(byte[] content) {
    if (inline != null) {
      return reload();
    }
    try {
      return parse(new JsonObject(new String(content, StandardCharsets.UTF_8)));
    } catch (DecodeException e) {
      throw new ConfigException(where() + ": not a JSON object");
    }
  }

  private RuleSet parse(JsonObject rules) {
    try {
      return RuleSet.fromJson(rules);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where() + ": " + e.getMessage());
    }
  }

  /** How an operator finds the rules: the file and, for inline rules, the key. */
  public String where() {
    return inline != null ? ConfigFile.where(file) + ", key 'rules'" : Setting.RULES.flag() + " " + file;
  }
}
