package io.herald.bridge.presence.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells which members left the cluster, by their UUID, as Hazelcast reports them: a member that
 * leaves politely at once, one that crashed once the others have missed its heartbeats for
 * {@code hazelcast.max.no.heartbeat.seconds} (sooner when its TCP connections are seen to close).
 */
public final class MemberDepartures {

  private static final Logger LOG = System.getLogger(MemberDepartures.class.getName());

  private final HazelcastInstance hazelcast;
  private final UUID registration;

  private MemberDepartures(HazelcastInstance hazelcast, UUID registration) {
    this.hazelcast = hazelcast;
    this.registration = registration;
  }

  /** Calls {@code gone} on a Hazelcast event thread with each departed member's UUID; it must not block. */
  public static MemberDepartures watch(HazelcastInstance hazelcast, Consumer<String> gone) {
    UUID registration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // nothing to do: a member's entries appear as its clients subscribe
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        gone.accept(event.getMember().getUuid().toString());
      }
    });
    return new MemberDepartures(hazelcast, registration);
  }

  public void stop() {
    try {
      hazelcast.getCluster().removeMembershipListener(registration);
    } catch (RuntimeException e) {
      // the member is already shutting down, and its listeners with it
      LOG.log(Level.DEBUG, "membership listener not removed: {0}", e.getMessage());
    }
  }
}
