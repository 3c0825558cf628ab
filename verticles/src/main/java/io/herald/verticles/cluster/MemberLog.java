package io.herald.verticles.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * One log line when a member joins or leaves the cluster, with the member's id (the node id
 * {@code /api/cluster} lists) and the new size. A listener of its own on the Hazelcast instance:
 * the Vert.x cluster manager's node listener is the event bus's and must not be replaced.
 */
public final class MemberLog implements MembershipListener {

  private static final Logger LOG = System.getLogger("herald.cluster");

  private MemberLog() {}

  /** @return the listener's registration, removed with the instance */
  public static UUID install(HazelcastInstance hazelcast) {
    return hazelcast.getCluster().addMembershipListener(new MemberLog());
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    LOG.log(Level.INFO, "member {0} joined at {1}: {2} members", event.getMember().getUuid(), event.getMember().getAddress(), event.getMembers().size());
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    LOG.log(Level.WARNING, "member {0} left ({1}): {2} members", event.getMember().getUuid(), event.getMember().getAddress(), event.getMembers().size());
  }
}
