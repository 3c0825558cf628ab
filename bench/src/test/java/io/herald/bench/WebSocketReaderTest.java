package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketReaderTest {

  private final List<Long> seqs = new ArrayList<>();
  private final EventScanner scanner = new EventScanner(null);
  private final EventScanner.Sink sink = new EventScanner.Sink() {
    @Override
    public void event(long seq, long sentNanos) {
      seqs.add(seq);
    }

    @Override
    public void ready() {
    }
  };

  @Test
  void readsDataFramesAnswersPingsAndSurvivesAnySplit() {
    // Reads that split frames go the byte-wise way; the largest hold whole frames, read in one step.
    byte[] head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    String big = "{\"seq\":2,\"t\":22,\"pad\":\"" + "x".repeat(300) + "\"}";
    ByteBuf all = Unpooled.buffer()
        .writeBytes(head)
        .writeBytes(frame(0x81, "{\"seq\":1,\"t\":11}"))
        .writeBytes(frame(0x89, "hi"))
        .writeBytes(frame(0x81, big))
        .writeBytes(frame(0x81, "{\"seq\":3,\"t\":33}"));
    for (int split = 1; split <= all.readableBytes(); split += 7) {
      seqs.clear();
      WebSocketReader reader = new WebSocketReader();
      EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ByteBuf bytes = (ByteBuf) msg;
          reader.read(bytes, ctx, scanner, sink);
          bytes.release();
        }
      });
      assertNull(reader.status());
      ByteBuf copy = all.copy();
      while (copy.isReadable()) {
        channel.writeInbound(copy.readRetainedSlice(Math.min(split, copy.readableBytes())));
      }
      copy.release();
      assertEquals("101", reader.status());
      assertEquals(List.of(1L, 2L, 3L), seqs);
      ByteBuf pong = channel.readOutbound();
      assertEquals(0x8a, pong.readUnsignedByte());
      assertEquals(0x80 | 2, pong.readUnsignedByte(), "masked, two bytes");
      byte[] mask = new byte[4];
      pong.readBytes(mask);
      assertEquals('h', (byte) (pong.readByte() ^ mask[0]));
      assertEquals('i', (byte) (pong.readByte() ^ mask[1]));
      pong.release();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void framesWholeInOneReadAreScannedTogetherHeadersAndAll() {
    // One read of many frames, as at W1's peak: one frame's length byte is 113, a "q", and one
    // needs the two-byte length; the scanner must take the headers between payloads as noise.
    String q = "{\"seq\":2,\"t\":22,\"pad\":\"";
    String qFrame = q + "x".repeat(113 - q.length() - 2) + "\"}";
    assertEquals(113, qFrame.length());
    ByteBuf read = Unpooled.buffer()
        .writeBytes("HTTP/1.1 101 Switching Protocols\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
        .writeBytes(frame(0x81, "{\"seq\":1,\"t\":11}"))
        .writeBytes(frame(0x81, qFrame))
        .writeBytes(frame(0x81, "{\"seq\":3,\"t\":33,\"pad\":\"" + "x".repeat(200) + "\"}"))
        .writeBytes(frame(0x81, "{\"seq\":4,\"t\":44}"));
    WebSocketReader reader = new WebSocketReader();
    reader.read(read, null, scanner, sink);
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs);
    assertEquals(0, read.readableBytes());
  }

  private static byte[] frame(int first, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    ByteBuf f = Unpooled.buffer().writeByte(first);
    if (p.length < 126) {
      f.writeByte(p.length);
    } else {
      f.writeByte(126).writeShort(p.length);
    }
    f.writeBytes(p);
    byte[] out = new byte[f.readableBytes()];
    f.readBytes(out);
    return out;
  }
}
