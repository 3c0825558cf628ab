package io.herald.verticles.config;

import java.util.EnumMap;
import java.util.Map;

/**
 * Every setting's text before it is parsed, and where it came from (its default, the config file,
 * the environment or a flag), so that a bad value is reported where the operator wrote it.
 */
final class RawSettings {

  private final Map<Setting, String> values = new EnumMap<>(Setting.class);
  private final Map<Setting, String> origins = new EnumMap<>(Setting.class);

  RawSettings() {
    for (Setting setting : Setting.values()) {
      values.put(setting, setting.defaultValue());
    }
  }

  String get(Setting setting) {
    return values.get(setting);
  }

  void put(Setting setting, String value, String origin) {
    values.put(setting, value);
    origins.put(setting, origin);
  }

  /** Where the value was written: {@code --flag}, {@code HERALD_X}, {@code config file f, key 'k'}, or both names for a default. */
  String origin(Setting setting) {
    return origins.getOrDefault(setting, setting.flag() + " / " + setting.env());
  }

  boolean isDefault(Setting setting) {
    return !origins.containsKey(setting);
  }
}
