package io.herald.verticles;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code --log-format json}: {@code {"ts","level","logger","thread","message","error"}} per line.
 * Messages are the same as in text form, so tokens are redacted here as everywhere.
 */
final class JsonLogFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(record.getMillis()).toString())
        .put("level", record.getLevel().getName())
        .put("logger", record.getLoggerName())
        .put("thread", Thread.currentThread().getName())
        .put("message", formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }
}
