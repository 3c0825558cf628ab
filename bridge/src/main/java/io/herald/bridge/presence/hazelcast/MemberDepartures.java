package io.herald.bridge.presence.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Tells which members left the cluster, by their UUID, as Hazelcast reports them: a member that
 * leaves politely at once, one that crashed once the others have missed its heartbeats for
 * {@code hazelcast.max.no.heartbeat.seconds} (sooner when its TCP connections are seen to close).
 * Also tells when this member merged back into the cluster after a split-brain (or after the others
 * declared it dead while it ran): Hazelcast gives it a new UUID then, so the others will look for
 * that one when it leaves.
 */
public final class MemberDepartures {

  private static final Logger LOG = System.getLogger(MemberDepartures.class.getName());

  private final HazelcastInstance hazelcast;
  private final UUID registration;
  private final UUID merges;

  private MemberDepartures(HazelcastInstance hazelcast, UUID registration, UUID merges) {
    this.hazelcast = hazelcast;
    this.registration = registration;
    this.merges = merges;
  }

  /**
   * Calls {@code gone} on a Hazelcast event thread with each departed member's UUID, and
   * {@code renamed} with this member's UUID before and after a merge that changed it; they must not
   * block.
   */
  public static MemberDepartures watch(HazelcastInstance hazelcast, Consumer<String> gone, BiConsumer<String, String> renamed) {
    UUID[] known = {hazelcast.getCluster().getLocalMember().getUuid()};
    UUID merges = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleState.MERGED) {
        UUID now = hazelcast.getCluster().getLocalMember().getUuid();
        UUID before;
        synchronized (known) {
          before = known[0];
          known[0] = now;
        }
        if (!now.equals(before)) {
          renamed.accept(before.toString(), now.toString());
        }
      }
    });
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
    return new MemberDepartures(hazelcast, registration, merges);
  }

  public void stop() {
    try {
      hazelcast.getLifecycleService().removeLifecycleListener(merges);
      hazelcast.getCluster().removeMembershipListener(registration);
    } catch (RuntimeException e) {
      // the member is already shutting down, and its listeners with it
      LOG.log(Level.DEBUG, "membership listener not removed: {0}", e.getMessage());
    }
  }
}
