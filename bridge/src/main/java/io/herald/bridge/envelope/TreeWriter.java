package io.herald.bridge.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.Writer;

/**
 * Encodes JSON trees ({@code JsonObject}, {@code JsonArray}) with one Jackson generator per thread,
 * kept open and reused, writing into a builder the thread reuses too.
 *
 * <p>Why: Vert.x's {@code JacksonCodec.toString} makes a writer, an I/O context, a generator and its
 * root context for every call, and a node encodes each event's data twice (for history, and for the
 * wire when the hub receives it). At W4's rates those objects were a tenth of what the event loop
 * allocated (JFR allocation samples). The text is the same: the same encoder
 * ({@code JacksonCodec.encodeJson}) drives a generator of a factory with Jackson's defaults, with no
 * separator between the values one generator writes.
 *
 * <p>A generator left inside a value by an exception is dropped, and the thread's next call makes a
 * new one.
 */
final class TreeWriter {

  /** A builder that grew past this (a huge event) is not kept for the next one. */
  private static final int KEEP_CAPACITY = 16 * 1024;
  private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
  private static final FastThreadLocal<TreeWriter> WRITERS = new FastThreadLocal<>() {
    @Override
    protected TreeWriter initialValue() {
      return new TreeWriter();
    }
  };

  private final BuilderWriter out = new BuilderWriter();
  private JsonGenerator generator;

  private TreeWriter() {}

  /**
   * The tree's JSON text, as {@code Json.encode} writes it.
   *
   * @throws EncodeException for a value in the tree that only databind can write
   */
  static String encode(Object tree) {
    return WRITERS.get().write(tree);
  }

  private String write(Object tree) {
    if (out.text.capacity() > KEEP_CAPACITY) {
      out.text = new StringBuilder(256);
    }
    out.text.setLength(0);
    boolean done = false;
    try {
      if (generator == null) {
        generator = FACTORY.createGenerator(out);
      }
      JacksonCodec.encodeJson(tree, generator);
      generator.flush();
      done = true;
      return out.text.toString();
    } catch (IOException e) {
      // The writer only appends to a builder; nothing here does I/O.
      throw new EncodeException(e.getMessage());
    } finally {
      if (!done) {
        generator = null;
      }
    }
  }

  /** A writer that appends to a builder, which may be swapped between values. */
  private static final class BuilderWriter extends Writer {

    private StringBuilder text = new StringBuilder(256);

    @Override
    public void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
    }

    @Override
    public void write(String s, int offset, int length) {
      text.append(s, offset, offset + length);
    }

    @Override
    public void write(int c) {
      text.append((char) c);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
