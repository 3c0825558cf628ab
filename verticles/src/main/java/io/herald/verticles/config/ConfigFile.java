package io.herald.verticles.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A node's configuration file ({@code --config}), JSON or YAML (by its extension): an object whose
 * keys are the settings' names (the flags without {@code --}). Values are scalars, lists for the
 * comma-separated settings, an object of {@code pattern: size/age} for {@code history}, and for
 * {@code rules} either a file name or the rules themselves (the rules file's {@code rules} array).
 * Any other key, or a value of the wrong shape, fails the start naming the key.
 */
final class ConfigFile {

  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param settings each setting the file gives, as the text a flag would carry
   * @param inlineRules the rules written in the file itself, as a rules file's object; {@code null} if none
   */
  record Contents(Map<Setting, String> settings, JsonObject inlineRules) {}

  private ConfigFile() {}

  static Contents read(Path path) {
    Object tree;
    try {
      tree = mapperFor(path).readValue(Files.readString(path), Object.class);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException parse
          ? "not valid " + format(path) + " (line " + parse.getLocation().getLineNr() + ")" : "cannot be read (" + e.getClass().getSimpleName() + ")";
      throw new ConfigException(where(path) + ": " + why);
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException(where(path) + ": must be an object of settings, such as {\"http-port\": 8080}");
    }
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    JsonObject inlineRules = null;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      Setting setting = Setting.byKey(key);
      if (setting == null || setting == Setting.CONFIG) {
        throw new ConfigException(where(path) + ": unknown key '" + key + "' (known: "
            + Arrays.stream(Setting.values()).filter(s -> s != Setting.CONFIG).map(Setting::key).toList() + ")");
      }
      Object value = entry.getValue();
      if (setting == Setting.RULES && (value instanceof List<?> || value instanceof Map<?, ?>)) {
        inlineRules = value instanceof List<?> list ? new JsonObject().put("rules", new JsonArray(list)) : new JsonObject(cast(value));
        settings.put(setting, path.toString());
        continue;
      }
      settings.put(setting, text(path, key, setting, value));
    }
    return new Contents(settings, inlineRules);
  }

  /** The value as the text a flag would carry; a shape the setting cannot take is refused, naming the key. */
  private static String text(Path path, String key, Setting setting, Object value) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof String || v instanceof Number)) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    if (setting == Setting.HISTORY && value instanceof Map<?, ?> policy) {
      return policy.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
    if (value == null) {
      throw new ConfigException(where(path) + ", key '" + key + "': has no value");
    }
    String shape = value instanceof List<?> ? "a list" : value instanceof Map<?, ?> ? "an object" : value.getClass().getSimpleName();
    throw new ConfigException(where(path) + ", key '" + key + "': expected a single value"
        + (setting == Setting.HISTORY ? " or an object of pattern: size/age" : "") + ", got " + shape);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }

  private static ObjectMapper mapperFor(Path path) {
    return format(path).equals("YAML") ? YAML : JSON;
  }

  private static String format(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") ? "YAML" : "JSON";
  }

  static String where(Path path) {
    return "config file " + path;
  }
}
