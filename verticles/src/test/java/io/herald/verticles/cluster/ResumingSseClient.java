package io.herald.verticles.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a browser's EventSource does, in a thread: follows one stream, and when it ends reconnects
 * with {@code Last-Event-ID} to the next node in its list (a load balancer moving it elsewhere).
 * Records the {@code n} of every event, so tests can check each arrived once and in order.
 */
final class ResumingSseClient implements AutoCloseable {

  private static final Pattern N = Pattern.compile("\"data\":\\{\"n\":(\\d+)}");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Integer> ports;
  private final String path;
  private final String token;
  private final List<Integer> received = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private volatile String lastEventId;
  private volatile int current;
  private volatile int resets;
  private volatile int connections;
  private volatile Stream<String> open;

  ResumingSseClient(List<Integer> ports, int first, String path, String token) {
    this.ports = ports;
    this.current = first;
    this.path = path;
    this.token = token;
    this.thread = new Thread(this::run, "sse-client-" + first);
    thread.setDaemon(true);
    thread.start();
  }

  synchronized List<Integer> received() {
    return List.copyOf(received);
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  int resets() {
    return resets;
  }

  /** Streams that reached their {@code connected} event: subscribed, and told their cursor. */
  int connections() {
    return connections;
  }

  private void run() {
    while (!stopped) {
      int port = ports.get(current);
      try {
        follow(port);
        note("stream from " + port + " ended");
      } catch (IOException e) {
        note("stream from " + port + " failed: " + e);
      } catch (InterruptedException e) {
        return;
      }
      current = (current + 1) % ports.size();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void follow(int port) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      note(port + " answered " + response.statusCode());
      response.body().close();
      return;
    }
    try (Stream<String> lines = response.body()) {
      open = lines;
      String id = null;
      String event = "message";
      Iterator<String> it = lines.iterator();
      while (!stopped && it.hasNext()) {
        String line = it.next();
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && event.equals("message")) {
          Matcher m = N.matcher(line);
          if (m.find()) {
            synchronized (this) {
              received.add(Integer.parseInt(m.group(1)));
            }
          }
        } else if (line.isEmpty()) {
          if (event.equals("reset")) {
            resets++;
          } else if (event.equals("connected")) {
            connections++;
          }
          if (id != null) {
            lastEventId = id;
          }
          id = null;
          event = "message";
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private synchronized void note(String text) {
    notes.add(text);
  }

  @Override
  public void close() {
    stopped = true;
    Stream<String> lines = open;
    if (lines != null) {
      lines.close();
    }
    thread.interrupt();
  }
}
