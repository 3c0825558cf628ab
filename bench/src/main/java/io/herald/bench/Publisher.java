package io.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes at a fixed open-loop rate over keep-alive, pipelined HTTP/1.1: every millisecond it
 * sends what is due by the clock, whatever the answers so far, as long as fewer than
 * {@value #MAX_IN_FLIGHT} requests are unanswered (past that it falls behind, which shows as an
 * achieved rate below the offered one). Each event is a ~100-byte JSON payload carrying its
 * per-address sequence number and the publishing process's {@code System.nanoTime()}.
 *
 * <p>Requests are written as bytes on plain sockets, the requests of one tick for one socket in one
 * write, and answers are read by scanning their status line and framing ({@link Responses}): the
 * generator shares one core with thousands of subscribers, and at tens of thousands of publishes a
 * second a full HTTP client costs more than the server it measures (issue 4: make the generator cheap).
 */
final class Publisher {

  static final int MAX_IN_FLIGHT = 2048;
  /**
   * The {@code batch} of a coalescing run: one address, one request unanswered at a time, and the
   * events that came due while it was on its way go together in the next (Herald's array form, at
   * most {@value #MAX_EVENTS_PER_REQUEST}). What a publisher that wants throughput on one HTTP/1.1
   * connection does: the server answers such a connection's requests one at a time, and on an
   * address with history each answer waits for the event's append (a cluster round trip), so one
   * event per request caps the rate at one event per round trip. Each event is stamped with the
   * time it came due, so its wait in the publisher counts in its latency.
   */
  static final int COALESCED = 0;
  /** Herald's limit on the events of one publish request. */
  static final int MAX_EVENTS_PER_REQUEST = 1000;
  static final int PAYLOAD_BYTES = 100;
  /**
   * Sockets of the many-address publisher. An address's events all go over one of them (address
   * index modulo the pool, {@link #addressOf}), so that they reach the server in sequence order: requests
   * on two sockets have no order between them, and the server is free to take them either way.
   * Before, the socket went round by request: with 50 events a request the requests holding an
   * address alternated between two sockets, and W4's overloaded steps counted the events a backlog
   * reordered between them as lost (a W4 run of that case, not kept: 42 400 "lost" at 80 000
   * events/s on one core, every one of them delivered out of order, none missing).
   */
  static final int POOL = 16;

  private final Vertx vertx;
  private final boolean herald;
  private final AddressBook book;
  private final String host;
  private final int port;
  private final byte[] head;
  private final NetClient client;
  private final List<Lane> lanes = new ArrayList<>();
  private Future<Void> connected;
  private Run current;
  private int nextLane;
  // Per lane, how many of its addresses (index lane, lane + POOL, ...) it has published to: the next is at that count, wrapped.
  private int[] laneTurns;

  Publisher(Vertx vertx, boolean herald, AddressBook book, String host, int port, String token) {
    this.vertx = vertx;
    this.herald = herald;
    this.book = book;
    this.host = host;
    this.port = port;
    StringBuilder h = new StringBuilder("Host: ").append(host).append(':').append(port).append("\r\n")
        .append("Content-Type: application/json\r\n");
    if (token != null) {
      h.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    this.head = h.toString().getBytes(StandardCharsets.US_ASCII);
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  }

  /** What one run did. */
  static final class Run {
    long requests;
    long events;
    long errors;
    long startNanos;
    long lastSendNanos;
    long doneNanos;
    // Coalescing runs only: the events due by the clock, and the rate that stamps them.
    long eventsDue;
    double rate;
    String firstError;
    int inFlight;
    boolean stopped;
    Promise<Run> done;
  }

  /** One keep-alive socket and the answers it still owes. */
  private final class Lane {
    final NetSocket socket;
    final Responses responses = new Responses();
    Buffer pending;
    int owed;

    Lane(NetSocket socket) {
      this.socket = socket;
      socket.handler(buf -> answered(this, responses.feed(buf)));
      socket.closeHandler(v -> failOwed(this, "publisher socket closed"));
      socket.exceptionHandler(e -> failOwed(this, String.valueOf(e.getMessage())));
    }
  }

  private Future<Void> connect() {
    if (connected == null) {
      // Every lane owns at least one address.
      int n = Math.min(POOL, book.size());
      List<Future<NetSocket>> sockets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sockets.add(client.connect(port, host));
      }
      connected = Future.all(sockets).map(all -> {
        for (int i = 0; i < n; i++) {
          lanes.add(new Lane(all.resultAt(i)));
        }
        laneTurns = new int[n];
        return null;
      });
    }
    return connected;
  }

  /**
   * Publishes {@code rate} events per second for {@code seconds}, {@code batch} events per request
   * (Herald's array form; Nchan takes one message per request), or {@link #COALESCED}. Completes
   * once every request is answered.
   */
  Future<Run> run(double rate, double seconds, int batch) {
    if (!herald && batch != 1) {
      throw new IllegalArgumentException("Nchan publishes one message per request");
    }
    if (batch == COALESCED && book.size() != 1) {
      // Several sockets would each carry one request at a time, and the address's order would be lost between them.
      throw new IllegalArgumentException("a coalescing publisher serves one address");
    }
    return connect().compose(v -> {
      Run run = new Run();
      run.done = Promise.promise();
      run.rate = rate;
      current = run;
      run.startNanos = System.nanoTime();
      long endNanos = run.startNanos + (long) (seconds * 1e9);
      boolean coalesced = batch == COALESCED;
      long total = Math.max(1, Math.round(coalesced ? rate * seconds : rate * seconds / batch));
      double perNano = (coalesced ? rate : rate / batch) / 1e9;
      long[] timer = new long[1];
      timer[0] = vertx.setPeriodic(1, t -> {
        long now = System.nanoTime();
        long due = Math.min(total, (long) ((now - run.startNanos) * perNano) + 1);
        if (coalesced) {
          run.eventsDue = due;
          sendDue(run);
        } else {
          while (run.requests < due && run.inFlight < MAX_IN_FLIGHT) {
            enqueue(run, batch, false);
          }
          writePending();
        }
        if ((coalesced ? run.events : run.requests) >= total || now > endNanos + 5_000_000_000L) {
          vertx.cancelTimer(timer[0]);
          run.stopped = true;
          if (run.inFlight == 0) {
            finish(run);
          }
        }
      });
      return run.done.future();
    });
  }

  /** A coalescing run's next request, if none is unanswered and events are due: all of them, up to the limit. */
  private void sendDue(Run run) {
    if (run.inFlight == 0 && run.events < run.eventsDue && !run.stopped) {
      enqueue(run, (int) Math.min(MAX_EVENTS_PER_REQUEST, run.eventsDue - run.events), true);
      writePending();
    }
  }

  private void writePending() {
    for (Lane lane : lanes) {
      if (lane.pending != null) {
        lane.socket.write(lane.pending);
        lane.pending = null;
      }
    }
  }

  void close() {
    client.close();
  }

  /** @param stampDue stamp each event with the time it came due (coalescing), not the time it is written */
  private void enqueue(Run run, int batch, boolean stampDue) {
    int laneIndex = nextLane;
    nextLane = nextLane + 1 == lanes.size() ? 0 : nextLane + 1;
    Lane lane = lanes.get(laneIndex);
    Buffer body = Buffer.buffer(batch * 160);
    String uri;
    if (herald) {
      uri = "/api/publish";
      if (batch > 1) {
        body.appendByte((byte) '[');
      }
      for (int i = 0; i < batch; i++) {
        int a = next(laneIndex);
        if (i > 0) {
          body.appendByte((byte) ',');
        }
        body.appendString("{\"address\":\"").appendString(book.names[a]).appendString("\",\"data\":");
        long sent = stampDue ? run.startNanos + (long) ((run.events + i) * 1e9 / run.rate) : System.nanoTime();
        payload(body, book.nextSeq[a]++, sent);
        body.appendByte((byte) '}');
      }
      if (batch > 1) {
        body.appendByte((byte) ']');
      }
    } else {
      int a = next(laneIndex);
      uri = "/pub?id=" + book.names[a];
      payload(body, book.nextSeq[a]++, System.nanoTime());
    }
    if (lane.pending == null) {
      lane.pending = Buffer.buffer(512);
    }
    lane.pending.appendString("POST ").appendString(uri).appendString(" HTTP/1.1\r\n").appendBytes(head)
        .appendString("Content-Length: ").appendString(Integer.toString(body.length())).appendString("\r\n\r\n")
        .appendBuffer(body);
    lane.owed++;
    run.requests++;
    run.events += batch;
    run.inFlight++;
    run.lastSendNanos = System.nanoTime();
  }

  private void answered(Lane lane, List<String> failures) {
    Run run = current;
    int answers = lane.responses.takeAnswered();
    lane.owed -= answers;
    if (run == null) {
      return;
    }
    run.inFlight -= answers;
    for (String failure : failures) {
      error(run, failure);
    }
    if (run.inFlight == 0 && run.stopped) {
      finish(run);
    } else if (run.eventsDue > 0) {
      // Coalescing: what came due while the answer was on its way goes now, not at the next tick.
      sendDue(run);
    }
  }

  private void failOwed(Lane lane, String why) {
    Run run = current;
    if (run == null || lane.owed == 0) {
      return;
    }
    run.inFlight -= lane.owed;
    for (int i = 0; i < lane.owed; i++) {
      error(run, why);
    }
    lane.owed = 0;
    if (run.inFlight == 0 && run.stopped) {
      finish(run);
    }
  }

  private static void error(Run run, String why) {
    run.errors++;
    if (run.firstError == null) {
      run.firstError = why;
    }
  }

  private static void finish(Run run) {
    run.doneNanos = System.nanoTime();
    run.done.tryComplete(run);
  }

  /** The next address of {@code laneIndex}'s, round-robin over them. */
  private int next(int laneIndex) {
    return addressOf(book.size(), lanes.size(), laneIndex, laneTurns[laneIndex]++);
  }

  /**
   * The address a lane publishes to at its {@code turn}-th event: the lane's addresses are those
   * whose index is the lane's modulo the number of lanes, taken in turn.
   */
  static int addressOf(int addresses, int lanes, int laneIndex, int turn) {
    int owned = (addresses - laneIndex + lanes - 1) / lanes;
    return laneIndex + lanes * Math.floorMod(turn, owned);
  }

  /** {"seq":S,"t":T,"pad":"xx…"} padded to {@value #PAYLOAD_BYTES} bytes, T being {@code sentNanos}. */
  static void payload(Buffer body, long seq, long sentNanos) {
    int start = body.length();
    body.appendString("{\"seq\":").appendString(Long.toString(seq))
        .appendString(",\"t\":").appendString(Long.toString(sentNanos))
        .appendString(",\"pad\":\"");
    int pad = PAYLOAD_BYTES - (body.length() - start) - 2;
    for (int i = 0; i < pad; i++) {
      body.appendByte((byte) 'x');
    }
    body.appendString("\"}");
  }
}
