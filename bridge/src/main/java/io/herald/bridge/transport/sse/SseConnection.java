package io.herald.bridge.transport.sse;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.HttpChunks;
import io.herald.bridge.envelope.SseFormat;
import io.herald.bridge.history.Position;
import io.herald.bridge.transport.BaseConnection;
import io.herald.bridge.transport.ChannelSink;
import io.herald.bridge.transport.CloseReason;
import io.herald.bridge.transport.StreamSink;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** One EventSource stream. */
final class SseConnection extends BaseConnection {

  /**
   * On shutdown, EventSource is asked to come back after this long plus up to {@link #SHUTDOWN_JITTER_MS}:
   * soon, since the other nodes are up, but spread out, so a node's clients do not all land on the
   * survivors in the same instant.
   */
  static final long SHUTDOWN_RETRY_MS = 500;
  static final long SHUTDOWN_JITTER_MS = 1000;
  /** Vert.x's names for the HTTP/1 response encoder and the compressor in a server connection's pipeline. */
  private static final String HTTP_ENCODER = "httpEncoder";
  private static final String HTTP_COMPRESSOR = "deflater";

  // The request itself is not kept: through vert.x-web's wrapper it holds the routing context, its
  // query parameters and its maps, about 1 KB per idle stream that nothing reads after the head.
  private final HttpConnection connection;
  private final boolean http2;
  private final HttpServerResponse response;
  // True when the stream's bytes go straight to its channel as HTTP chunks built once per node;
  // false where Vert.x must frame them (HTTP/2, a compressing server).
  private final boolean chunks;

  /** Call once the response's head is written: from then on the stream may be written as raw chunks. */
  SseConnection(BridgeRuntime runtime, Identity identity, HttpServerRequest request) {
    super(runtime, identity);
    this.connection = request.connection();
    this.http2 = request.version() == HttpVersion.HTTP_2;
    this.response = request.response();
    ChannelHandlerContext encoder = chunkEntry(request);
    this.chunks = encoder != null;
    attach(chunks ? new ChannelSink(encoder.channel(), encoder) : new StreamSink(response, response::write, true));
    introduceLater();
  }

  /**
   * Where HTTP/1.1 chunks can enter the pipeline without being framed again: the context of the
   * connection's HTTP encoder, whose own writes (the response head, the last chunk) stay in order
   * with them. {@code null} when the response is not a chunked HTTP/1.1 stream whose head is out,
   * or a compressor would have to see the bytes.
   */
  private static ChannelHandlerContext chunkEntry(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_1_1 || !request.response().isChunked() || !request.response().headWritten()
        || !(request.connection() instanceof ConnectionBase base)) {
      return null;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get(HTTP_COMPRESSOR) != null || !(pipeline.get(HTTP_ENCODER) instanceof HttpResponseEncoder)) {
      return null;
    }
    return pipeline.context(HTTP_ENCODER);
  }

  @Override
  public String transport() {
    return "sse";
  }

  /**
   * The first event: which connection this is and what it receives. When the stream has addresses
   * with history its id is the starting cursor, so a client that reconnects before any event
   * arrived still resumes from where it began.
   */
  void sendConnected() {
    JsonObject info = whoami().put("addresses", new JsonArray(subscriptions().stream().toList()));
    Map<String, Position> positions = positions();
    send(SseFormat.event(positions.isEmpty() ? null : StreamCursor.encode(positions), "connected", info.encode()));
    introduced();
  }

  @Override
  protected void onTick(long now, boolean heartbeat) {
    if (heartbeat && !deliveredSinceLastBeat() && queueIdle()) {
      send(SseFormat.HEARTBEAT);
    }
  }

  /**
   * The shared buffer, except where the stream's cursor is its own: with several addresses with
   * history, the {@code id:} line is this stream's cursor; and an event without a position in a
   * stream that has a cursor goes without an {@code id:} line, which leaves the cursor as it is.
   */
  @Override
  protected Buffer wireForm(EncodedEvent event) {
    Map<String, Position> positions = positions();
    Position position = event.envelope().position();
    if (positions.isEmpty() || position != null && positions.size() == 1) {
      return chunks ? event.sseChunk() : event.sse();
    }
    if (position == null) {
      return chunks ? event.sseBodyChunk() : event.sseBody();
    }
    String cursor = StreamCursor.encode(positions, event.envelope().address(), position);
    Buffer body = event.sseBody();
    return controlForm(Buffer.buffer(cursor.length() + 5 + body.length())
        .appendString("id: ").appendString(cursor).appendString("\n").appendBuffer(body));
  }

  /**
   * An SSE stream is bytes: a batch is one write of every event, the same buffer for all
   * subscribers. Only a positioned batch in a stream with several cursors goes event by event,
   * since its {@code id:} lines are this stream's own. (A batch is all positioned or none.)
   */
  @Override
  protected Buffer wireForm(EncodedBatch batch) {
    Map<String, Position> positions = positions();
    boolean positioned = batch.events().get(0).envelope().position() != null;
    if (positions.isEmpty() || positioned && positions.size() == 1) {
      return chunks ? batch.sseChunk() : batch.sse();
    }
    if (positioned) {
      return null;
    }
    return chunks ? batch.sseBodiesChunk() : batch.sseBodies();
  }

  /** A frame of this stream's own, chunked here when the stream's bytes bypass Vert.x. */
  @Override
  protected Buffer controlForm(Buffer frame) {
    return chunks ? HttpChunks.of(frame) : frame;
  }

  @Override
  protected Buffer resetFrame(String address, Position head) {
    JsonObject reset = new JsonObject().put("address", address).put("position", head.toString());
    return SseFormat.event(StreamCursor.encode(positions()), "reset", reset.encode());
  }

  /**
   * The last event is named after the reason. A slow client is cut off at once, since waiting for it
   * to read the farewell is what it cannot do; its buffered bytes are released with the socket (or
   * the HTTP/2 stream). On shutdown a short {@code retry:} comes first: the stream's own hint is
   * seconds, and EventSource uses the last one it read.
   */
  @Override
  protected void closeTransport(CloseReason reason) {
    if (response.closed() || response.ended()) {
      return;
    }
    if (reason == CloseReason.SHUTDOWN) {
      response.write(SseFormat.retry(SHUTDOWN_RETRY_MS + ThreadLocalRandom.current().nextLong(SHUTDOWN_JITTER_MS)));
    }
    if (reason.tellsClient()) {
      JsonObject why = new JsonObject().put("code", reason.code()).put("reconnect", reason.reconnect());
      response.write(SseFormat.event(null, reason.code(), why.encode()));
    }
    runtime.connections().closing(response.end());
    if (reason == CloseReason.SLOW_CONSUMER) {
      if (http2) {
        response.reset();
      } else {
        abort(connection);
      }
    }
  }

  /**
   * Closes the TCP connection now. {@code HttpConnection.close()}, like a close that enters the channel
   * pipeline at its tail, is turned by Vert.x into a graceful close that first waits until every byte
   * already written has gone to the socket, which a client that stopped reading never lets happen: the
   * socket, and what Netty buffers for it, would stay open for as long as that client stays connected.
   * Closing from Vert.x's own handler context skips that wait and drops what is still buffered.
   */
  private static void abort(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      base.channelHandlerContext().close();
    } else {
      connection.close();
    }
  }
}
