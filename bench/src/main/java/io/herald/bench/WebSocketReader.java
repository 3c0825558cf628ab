package io.herald.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server's half of a WebSocket on a plain socket, read in place: skips the HTTP head of the
 * upgrade answer, then walks the frames, giving the payload bytes of data frames to the scanner
 * (which only looks for its markers) and answering pings. The generator's counterpart of Herald's
 * own once-encoded frames, as cheap per read as its SSE reader, so that a WebSocket measurement is
 * not the generator's limit sooner than an SSE one.
 */
final class WebSocketReader {

  private static final int HEAD = 0;
  private static final int FRAME_START = 1;
  private static final int FRAME_LENGTH = 2;
  private static final int PAYLOAD = 3;

  private int state = HEAD;
  // HEAD: how much of "\r\n\r\n" has been seen
  private int headMatch;
  private final StringBuilder statusLine = new StringBuilder();
  private boolean statusDone;
  private int opcode;
  private int lengthBytesLeft;
  private long payloadLeft;
  private byte[] control;
  private int controlAt;

  /** The upgrade request, ready to write. */
  static String request(String host, int port, String uri) {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    return "GET " + uri + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + java.util.Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  /** A client text frame (masked, as a client's must be). */
  static ByteBuf text(String message) {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    return masked(0x81, payload);
  }

  /**
   * @return {@code null} while the answer's status line has not all come, {@code "101"} once the
   *     upgrade was accepted, or the status line of a refusal
   */
  String status() {
    return statusDone ? (statusLine.toString().startsWith("HTTP/1.1 101") ? "101" : statusLine.toString().trim()) : null;
  }

  /** Reads what came; payload bytes of data frames go to {@code scanner}, pings are answered on {@code ctx}. */
  void read(ByteBuf bytes, ChannelHandlerContext ctx, EventScanner scanner, EventScanner.Sink sink) {
    while (bytes.isReadable()) {
      if (state == FRAME_START && wholeDataFrames(bytes, scanner, sink)) {
        continue;
      }
      switch (state) {
        case HEAD -> {
          byte b = bytes.readByte();
          if (!statusDone) {
            statusLine.append((char) b);
            statusDone = b == '\n';
          }
          headMatch = b == "\r\n\r\n".charAt(headMatch) ? headMatch + 1 : b == '\r' ? 1 : 0;
          if (headMatch == 4) {
            state = FRAME_START;
          }
        }
        case FRAME_START -> {
          opcode = bytes.readByte() & 0x0f;
          state = FRAME_LENGTH;
          lengthBytesLeft = -1;
        }
        case FRAME_LENGTH -> {
          if (lengthBytesLeft < 0) {
            int len = bytes.readByte() & 0x7f;
            if (len == 126 || len == 127) {
              lengthBytesLeft = len == 126 ? 2 : 8;
              payloadLeft = 0;
              break;
            }
            payloadLeft = len;
          } else {
            payloadLeft = payloadLeft << 8 | (bytes.readByte() & 0xff);
            if (--lengthBytesLeft > 0) {
              break;
            }
          }
          if (opcode >= 8) {
            control = new byte[(int) payloadLeft];
            controlAt = 0;
          }
          state = PAYLOAD;
          if (payloadLeft == 0) {
            endFrame(ctx);
          }
        }
        default -> {
          int n = (int) Math.min(payloadLeft, bytes.readableBytes());
          if (opcode >= 8) {
            bytes.readBytes(control, controlAt, n);
            controlAt += n;
          } else {
            scanner.scan(bytes, bytes.readerIndex(), n, sink);
            bytes.skipBytes(n);
          }
          payloadLeft -= n;
          if (payloadLeft == 0) {
            endFrame(ctx);
          }
        }
      }
    }
  }

  /**
   * The data frames whose headers and payloads are all in this read, one after another, are
   * scanned in one call, from the first payload to the end of the last, and skipped in one step:
   * at W1's peak nearly every frame is one. Walking each header a byte at a time through the state
   * machine made a WebSocket event dearer to read than an SSE one, and so did a scan call per
   * frame (in user space, 100 events a read: 95 ns an event against SSE's 77; 87 ns scanned
   * together), so that the generator, not the server, set WebSocket's ceiling. The headers between
   * payloads go through the scanner as noise: it looks for {@code "seq":}, which no header and no
   * payload's end can make, and every event lies whole in one payload. Anything else takes the
   * byte-wise path.
   */
  private boolean wholeDataFrames(ByteBuf bytes, EventScanner scanner, EventScanner.Sink sink) {
    int end = bytes.writerIndex();
    int from = -1;
    int next = bytes.readerIndex();
    while (true) {
      int readable = end - next;
      if (readable < 2 || (bytes.getByte(next) & 0x08) != 0) {
        break;
      }
      int length = bytes.getByte(next + 1) & 0x7f;
      int header = 2;
      if (length == 126) {
        if (readable < 4) {
          break;
        }
        length = bytes.getUnsignedShort(next + 2);
        header = 4;
      } else if (length == 127) {
        break;
      }
      if (readable < header + length) {
        break;
      }
      if (from < 0) {
        from = next + header;
      }
      next += header + length;
    }
    if (from < 0) {
      return false;
    }
    scanner.scan(bytes, from, next - from, sink);
    bytes.readerIndex(next);
    return true;
  }

  private void endFrame(ChannelHandlerContext ctx) {
    if (opcode == 0x9) {
      ctx.writeAndFlush(masked(0x8a, control));
    }
    state = FRAME_START;
  }

  private static ByteBuf masked(int first, byte[] payload) {
    ByteBuf frame = Unpooled.buffer(payload.length + 14);
    frame.writeByte(first);
    if (payload.length < 126) {
      frame.writeByte(0x80 | payload.length);
    } else {
      frame.writeByte(0x80 | 126).writeShort(payload.length);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.writeByte(payload[i] ^ mask[i & 3]);
    }
    return frame;
  }
}
