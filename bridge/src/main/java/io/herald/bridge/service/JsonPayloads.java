package io.herald.bridge.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.herald.bridge.envelope.JsonText;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.publish.Publisher;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Java objects to event-bus bodies and back, through one Jackson {@link ObjectMapper}. A body on
 * the bus is what the event bus has codecs for and every transport can write: a {@link JsonObject},
 * {@link JsonArray}, string, number, boolean or {@code null}.
 */
final class JsonPayloads {

  private static final String JAVA_TIME_MODULE = "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule";
  private static final int MAX_ECHO = 64;

  private final ObjectMapper mapper;

  JsonPayloads(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * Jackson's defaults, plus {@code java.time} support (ISO-8601 text) when jackson-datatype-jsr310
   * is on the classpath; Herald does not depend on it.
   */
  static ObjectMapper defaultMapper() {
    ObjectMapper mapper = new ObjectMapper();
    try {
      Class<?> module = Class.forName(JAVA_TIME_MODULE, true, JsonPayloads.class.getClassLoader());
      mapper.registerModule((Module) module.getDeclaredConstructor().newInstance());
      mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    } catch (ReflectiveOperationException | LinkageError e) {
      // Not on the classpath: java.time values fail to encode with Jackson's own message naming the module.
    }
    return mapper;
  }

  /**
   * A payload as a bus body: Vert.x JSON as it is, anything else written by the mapper and read
   * back as Vert.x JSON (a plain mapper would write a {@link JsonObject} as a bean).
   *
   * @throws HeraldException {@code bad-data} when the mapper cannot write it, or it is a number
   *     beyond 64 bits
   */
  Object toBody(Object payload) {
    if (payload == null || payload instanceof JsonObject || payload instanceof JsonArray) {
      return payload;
    }
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new HeraldException(ErrorCode.BAD_DATA,
          "a payload of type " + payload.getClass().getSimpleName() + " cannot be written as JSON: " + e.getOriginalMessage());
    }
    return Publisher.busBody(Json.decodeValue(Buffer.buffer(json)));
  }

  /**
   * A body (a bus message's, a frame's {@code body}, an envelope's {@code data}) as a {@code T}. A
   * {@link Buffer} is taken as JSON text.
   *
   * @throws HeraldException {@code bad-data} saying what in the body does not fit, without naming
   *     Java types (the text may reach a browser)
   * @throws IllegalArgumentException when {@code type} is one Jackson cannot build at all: a bug
   */
  <T> T fromBody(Object body, Class<T> type) {
    if (body instanceof Buffer buffer) {
      return fromJson(buffer.toString(StandardCharsets.UTF_8), type);
    }
    String json;
    try {
      json = JsonText.encodeBody(body);
    } catch (IllegalArgumentException e) {
      throw new HeraldException(ErrorCode.BAD_DATA, "the body has no JSON form");
    }
    return fromJson(json, type);
  }

  /** JSON text as a {@code T}; fails as {@link #fromBody} does. */
  <T> T fromJson(String json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (IOException e) {
      throw failure(e, type);
    }
  }

  private static RuntimeException failure(IOException e, Class<?> type) {
    if (e instanceof InvalidDefinitionException bug) {
      return new IllegalArgumentException(type.getName() + " cannot be read from JSON: " + bug.getOriginalMessage(), e);
    }
    return new HeraldException(ErrorCode.BAD_DATA, problem(e));
  }

  /** What is wrong with the input, in the client's terms: a JSON path, never a Java type. */
  private static String problem(IOException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field " + quoted(at(unknown));
    }
    if (e instanceof ValueInstantiationException invalid) {
      // A record's compact constructor that validates: its IllegalArgumentException is meant for the caller.
      String reason = invalid.getCause() instanceof IllegalArgumentException bad && bad.getMessage() != null
          ? ": " + abbreviate(bad.getMessage()) : "";
      return "invalid value" + where(invalid) + reason;
    }
    if (e instanceof JsonMappingException mismatch) {
      return "wrong type or shape" + where(mismatch);
    }
    if (e instanceof StreamReadException) {
      return "not valid JSON";
    }
    return "unreadable body";
  }

  private static String where(JsonMappingException e) {
    String path = at(e);
    return path.isEmpty() ? "" : " at " + quoted(path);
  }

  private static String at(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String quoted(String value) {
    return "'" + abbreviate(value) + "'";
  }

  private static String abbreviate(String value) {
    String cut = value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
