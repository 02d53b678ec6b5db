/**
 * Gossipsub settings every Phase node and the relay use.
 *
 * @module
 */

/** Options for `gossipsub()` shared by the relay, CLI nodes and web nodes (spread them first). */
export const GOSSIPSUB_OPTIONS = {
  // A node's first announcement may go out before any peer joined the topic mesh.
  allowPublishToZeroTopicPeers: true,
  // Many peers share one IP (tabs behind one NAT, every node of a local
  // network): the IP-colocation score penalty would mute them.
  scoreParams: { IPColocationFactorWeight: 0 },
  // Announcements are small; anything above this is dropped unread.
  maxInboundDataLength: 1024 * 1024,
};
