package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many subscriber connections of one kind, all on the generator's single event loop. Connections
 * are spread over loopback source addresses ({@value #PER_SOURCE} each, from 127.0.0.<sourceBase>)
 * so that tens of thousands of them fit in the ephemeral port range, and opened at most
 * {@value #CONNECTING} at a time so the server's accept backlog never overflows. A connection the
 * server closes is reopened (and counted as a disconnect); its sequence tracking restarts. With
 * several server ports (the nodes of a cluster), subscriber {@code i} goes to port {@code i % ports}.
 */
final class Subscribers {

  static final int PER_SOURCE = 5000;
  static final int CONNECTING = 200;
  /** How often a SockJS subscriber pings, as the stock Vert.x event-bus client does by default. */
  static final long PING_MILLIS = 5000;
  private static final String PING = "{\"type\":\"ping\"}";

  final Kind kind;
  final AddressBook book;
  final List<Sub> subs = new ArrayList<>();
  final Stats stats;
  private final Vertx vertx;
  private final String host;
  final int[] ports;
  private final int sourceBase;
  private final Tokens tokens;
  private final String subject;
  private final Map<Integer, NetClient> netClients = new HashMap<>();
  private String sharedToken;
  private boolean closing;
  private long pingTimer = -1;
  int ready;
  long connectFailures;

  /** @param subject the token subject of every subscriber when there is one address */
  Subscribers(Vertx vertx, Kind kind, AddressBook book, String host, int[] ports, int sourceBase, Tokens tokens,
      String subject, Stats stats) {
    this.vertx = vertx;
    this.kind = kind;
    this.book = book;
    this.host = host;
    this.ports = ports.clone();
    this.sourceBase = sourceBase;
    this.tokens = tokens;
    this.subject = subject;
    this.stats = stats;
    stats.spread(ports.length);
    if (kind == Kind.HERALD_SOCKJS) {
      // As the stock Vert.x event-bus client does: Herald closes a frame-protocol connection it
      // has heard nothing from for its idle timeout (60 s), and over SockJS there is no
      // transport-level ping to answer (over WebSocket, the reader answers Herald's pings). Without
      // this, SockJS subscribers were cut off a minute into a long search, and the events they
      // missed counted as lost (run 20261123-185458, 10 000 subscribers).
      pingTimer = vertx.setPeriodic(PING_MILLIS, t -> ping());
    }
  }

  /** One ping frame to every open SockJS subscriber. */
  private void ping() {
    for (Sub sub : subs) {
      if (sub.frames != null) {
        sub.frames.writeAndFlush(WebSocketReader.text(PING));
      }
    }
  }

  /** Opens {@code n} more subscribers; completes once each has been tried (see {@link #ready}). */
  Future<Void> add(int n) {
    int from = subs.size();
    for (int i = 0; i < n; i++) {
      int index = from + i;
      int address = book.size() == 1 ? 0 : index % book.size();
      subs.add(new Sub(index, address));
    }
    Promise<Void> done = Promise.promise();
    int[] cursor = {from};
    int[] inFlight = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (inFlight[0] < CONNECTING && cursor[0] < subs.size()) {
        Sub sub = subs.get(cursor[0]++);
        inFlight[0]++;
        open(sub).onComplete(ar -> {
          if (ar.failed()) {
            connectFailures++;
          }
          inFlight[0]--;
          pump[0].run();
        });
      }
      if (inFlight[0] == 0 && cursor[0] == subs.size()) {
        done.tryComplete();
      }
    };
    pump[0].run();
    return done.future();
  }

  /** Closes every connection without reopening. */
  void close() {
    closing = true;
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    netClients.values().forEach(NetClient::close);
  }

  private Future<Void> open(Sub sub) {
    sub.scanner.reset();
    sub.next = -1;
    String address = book.names[sub.address];
    String token = kind.herald ? token(sub) : null;
    int source = sub.index / PER_SOURCE;
    int port = ports[sub.node];
    if (kind.sse()) {
      return openStream(sub, port, source, kind.herald ? "/sse?address=" + address : "/sub?id=" + address, token);
    }
    String uri = switch (kind) {
      case HERALD_WS -> "/ws?access_token=" + token;
      case HERALD_SOCKJS -> "/eventbus/websocket?access_token=" + token;
      default -> "/sub?id=" + address;
    };
    return openWebSocket(sub, port, source, uri,
        kind.herald ? "{\"type\":\"register\",\"address\":\"" + address + "\",\"id\":1}" : null);
  }

  /**
   * A WebSocket subscriber on a plain socket, read in place ({@link WebSocketReader}): the upgrade
   * written as bytes, the frames walked, data bytes scanned, pings answered; then the register
   * frame, where the server wants one.
   */
  private Future<Void> openWebSocket(Sub sub, int port, int source, String uri, String register) {
    return netClient(source).connect(port, host).compose(socket -> {
      Promise<Void> answered = Promise.promise();
      WebSocketReader reader = new WebSocketReader();
      ChannelHandlerContext vertx = ((NetSocketInternal) socket).channelHandlerContext();
      vertx.pipeline().addBefore(vertx.name(), "bench-websocket", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ByteBuf bytes = (ByteBuf) msg;
          try {
            stats.read();
            reader.read(bytes, ctx, sub.scanner, sub);
            // The status is looked at only until the upgrade is answered: it is a String built
            // from the status line, and every read at W1's peak would build one for nothing.
            String status = answered.future().isComplete() ? null : reader.status();
            if (status != null) {
              if (!status.equals("101")) {
                answered.tryFail("refused: " + status);
                socket.close();
                return;
              }
              answered.tryComplete();
              connected(sub);
              if (register != null) {
                ctx.writeAndFlush(WebSocketReader.text(register));
              }
              if (kind == Kind.HERALD_SOCKJS) {
                sub.frames = ctx;
              }
            }
          } finally {
            bytes.release();
          }
        }
      });
      socket.closeHandler(v -> {
        answered.tryFail("closed before answering");
        lost(sub);
      });
      socket.exceptionHandler(e -> { });
      return socket.write(WebSocketReader.request(host, port, uri)).compose(v -> answered.future());
    });
  }

  /**
   * An SSE subscriber on a plain socket: the request is written as bytes, the status line is
   * checked, and from then on the bytes (chunk sizes and all) go to the scanner, which only looks
   * for its markers. No HTTP decoder runs per read: at W1's peak the generator reads 100 000 times a
   * second, and what it spends per read is what it can no longer spend reading (issue 4).
   */
  private Future<Void> openStream(Sub sub, int port, int source, String uri, String token) {
    StringBuilder request = new StringBuilder("GET ").append(uri).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
        .append("\r\nAccept: text/event-stream\r\n");
    if (token != null) {
      request.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    request.append("\r\n");
    return netClient(source).connect(port, host).compose(socket -> {
      Promise<Void> answered = Promise.promise();
      // The socket's bytes are taken in Netty's pipeline, in place, before Vert.x copies them into
      // a Buffer and queues them for a handler: per read, only what the count needs is done.
      ChannelHandlerContext vertx = ((NetSocketInternal) socket).channelHandlerContext();
      vertx.pipeline().addBefore(vertx.name(), "bench-stream", new ChannelInboundHandlerAdapter() {
        private final StringBuilder head = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ByteBuf bytes = (ByteBuf) msg;
          try {
            if (!answered.future().isComplete() && !statusLine(bytes)) {
              return;
            }
            stats.read();
            sub.scanner.scan(bytes, sub);
          } finally {
            bytes.release();
          }
        }

        /** Reads up to the end of the status line; false while it has not all come. */
        private boolean statusLine(ByteBuf bytes) {
          while (bytes.isReadable()) {
            char c = (char) bytes.readByte();
            head.append(c);
            if (c == '\n') {
              if (head.toString().startsWith("HTTP/1.1 200")) {
                answered.tryComplete();
                connected(sub);
                return true;
              }
              answered.tryFail("refused: " + head.toString().trim());
              socket.close();
              return false;
            }
          }
          return false;
        }
      });
      socket.closeHandler(v -> {
        answered.tryFail("closed before answering");
        lost(sub);
      });
      socket.exceptionHandler(e -> { });
      return socket.write(request.toString()).compose(v -> answered.future());
    });
  }

  private String token(Sub sub) {
    if (book.size() > 1) {
      return tokens.subscriber(AddressBook.user(sub.address));
    }
    if (sharedToken == null) {
      sharedToken = tokens.subscriber(subject);
    }
    return sharedToken;
  }

  private void connected(Sub sub) {
    sub.open = true;
    if (sub.scanner.ready()) {
      sub.ready();
    }
  }

  private void lost(Sub sub) {
    if (!sub.open) {
      return;
    }
    sub.open = false;
    sub.frames = null;
    if (sub.isReady) {
      sub.isReady = false;
      ready--;
    }
    if (closing) {
      return;
    }
    stats.disconnects++;
    vertx.setTimer(200, t -> {
      if (!closing) {
        open(sub).onFailure(e -> connectFailures++);
      }
    });
  }

  private NetClient netClient(int source) {
    return netClients.computeIfAbsent(source, s -> vertx.createNetClient(
        new NetClientOptions().setLocalAddress(sourceAddress(s)).setConnectTimeout(20_000).setTcpNoDelay(true)));
  }

  private String sourceAddress(int source) {
    int last = sourceBase + source;
    if (last > 254) {
      throw new IllegalStateException("out of loopback source addresses");
    }
    return "127.0.0." + last;
  }

  /** One subscriber: its sequence tracking and counters. */
  final class Sub implements EventScanner.Sink {
    final int index;
    final int address;
    /** Index of the server port this subscriber connects to. */
    final int node;
    final EventScanner scanner = new EventScanner(kind.readyMarker());
    boolean open;
    boolean isReady;
    /** Where a SockJS subscriber writes its pings; {@code null} for the others and while closed. */
    ChannelHandlerContext frames;
    long next = -1;
    long received;
    long gaps;
    long outOfOrder;

    Sub(int index, int address) {
      this.index = index;
      this.address = address;
      this.node = index % ports.length;
    }

    @Override
    public void ready() {
      if (open && !isReady) {
        isReady = true;
        ready++;
        // Nothing published before the subscription counts for this subscriber.
        next = book.nextSeq[address];
      }
    }

    @Override
    public void event(long seq, long sentNanos) {
      stats.event(seq, sentNanos, node);
      received++;
      if (next < 0 || seq == next) {
        next = seq + 1;
      } else if (seq > next) {
        gaps += seq - next;
        next = seq + 1;
      } else {
        outOfOrder++;
      }
    }
  }
}
