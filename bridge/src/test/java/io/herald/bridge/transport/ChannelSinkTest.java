package io.herald.bridge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChannelSinkTest {

  @Test
  void writesTheBytesAsTheyAreAndLeavesThePipelineAsItFoundIt() {
    EmbeddedChannel channel = new EmbeddedChannel();
    int handlers = channel.pipeline().names().size();
    ChannelSink first = new ChannelSink(channel, channel);
    assertEquals(handlers + 1, channel.pipeline().names().size());
    first.write(Buffer.buffer("5\r\nhello\r\n"));
    ByteBuf out = channel.readOutbound();
    assertEquals("5\r\nhello\r\n", out.toString(StandardCharsets.US_ASCII));
    first.release();
    assertEquals(handlers, channel.pipeline().names().size(), channel.pipeline().names().toString());

    // The next stream on the same kept-alive connection adds its own, and only its own.
    ChannelSink second = new ChannelSink(channel, channel);
    assertEquals(handlers + 1, channel.pipeline().names().size());
    second.release();
    second.release();
    assertEquals(handlers, channel.pipeline().names().size());
    channel.finishAndReleaseAll();
  }
}
