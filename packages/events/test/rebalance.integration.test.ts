import { randomUUID } from 'node:crypto';

import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { createEvents } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// A second member joins a group while the first is handling a backlog. Every event must be
// handled, and duplicates must stay within what was in flight at the rebalance. Once both
// members are idle, the group's committed offsets must equal the end of every partition,
// because a member that kept committing a partition it lost would leave an offset behind.
//
// A rebalance can take seconds, because the coordinator waits for the first member to rejoin,
// and the first member can finish the whole backlog in that time. So a second round of
// events is published only once the group's assignment shows both members holding
// partitions, and the second member must handle its share of that round.

const env = stackEnv();

type Member = 'first' | 'second';
type Assignment = Record<Member, number[]>;

describe('rebalance', () => {
  it('hands partitions over without losing events or moving offsets back', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const groupId = `${prefix}rebalance`;
    const topic = `${prefix}users`;
    const clientEnv = {
      ...env,
      EVENTS_TOPIC_PREFIX: prefix,
      REDPANDA_SESSION_TIMEOUT: '10000',
      REDPANDA_HEARTBEAT_INTERVAL: '500',
    };
    const clientIds: Record<Member, string> = { first: `${prefix}first`, second: `${prefix}second` };
    const first = createEvents({
      transport: 'kafka',
      env: { ...clientEnv, REDPANDA_CLIENT_ID: clientIds.first },
    });
    const second = createEvents({
      transport: 'kafka',
      env: { ...clientEnv, REDPANDA_CLIENT_ID: clientIds.second },
    });
    const brokers = env.REDPANDA_BROKERS.split(',');
    const kafka = new Kafka({ brokers, clientId: 'rebalance-check', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();

    const runs = new Map<string, number>();
    // The partition of every event each member handled, one entry per run.
    const handledOn: Record<Member, number[]> = { first: [], second: [] };
    type Received = { metadata: { id?: string; partition: number } };
    const handler = (member: Member) => async (event: Received) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const id = event.metadata.id ?? '';
      runs.set(id, (runs.get(id) ?? 0) + 1);
      handledOn[member].push(event.metadata.partition);
    };
    const publishRound = (count: number) =>
      first.publishBatch(
        Array.from({ length: count }, () => ({
          type: 'user.logged_in' as const,
          payload: { ...payloads['user.logged_in'], userId: randomUUID() },
        })),
      );

    try {
      await admin.connect();
      await first.createTopics({ numPartitions: 3 });
      const backlog = 300;
      const published = await publishRound(backlog);

      await first.subscribe({
        groupId,
        fromBeginning: true,
        handlers: { 'user.logged_in': handler('first') },
      });
      await expect.poll(() => runs.size, { timeout: 30_000 }).toBeGreaterThan(40);
      expect(runs.size, 'events handled before the second member joins').toBeLessThan(backlog);
      await second.subscribe({
        groupId,
        fromBeginning: true,
        handlers: { 'user.logged_in': handler('second') },
      });
      const assignment = await waitForAssignment(admin, groupId, topic, clientIds);

      // 150 random keys miss one of 3 partitions with a probability of 3 * (2/3)^150, about 1e-26.
      const round = await publishRound(150);
      published.push(...round);
      const roundPartitions = new Set(round.map((result) => result.partition));
      const missed = assignment.second.filter((partition) => !roundPartitions.has(partition));
      expect(missed, 'partitions of the second member without events of this round').toEqual([]);

      const expected = published.map((result) => result.eventId);
      await expect.poll(() => expected.every((id) => runs.has(id)), { timeout: 60_000 }).toBe(true);
      expect(handledOn.second.length, 'events the second member handled').toBeGreaterThan(0);
      const foreign = handledOn.second.filter((partition) => !assignment.second.includes(partition));
      expect(foreign, 'partitions the second member handled without owning them').toEqual([]);
      const duplicates = [...runs.values()].filter((count) => count > 1).length;
      expect(duplicates).toBeLessThan(backlog / 3);

      const ends = await admin.fetchTopicOffsets(topic);
      await expect
        .poll(
          async () => {
            const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
            return committed?.partitions.map(({ partition, offset }) => `${partition}:${offset}`).sort();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toEqual(ends.map(({ partition, offset }) => `${partition}:${offset}`).sort());
    } finally {
      await admin.disconnect();
      await Promise.all([first.close(), second.close()]);
    }
  });
});

/**
 * Waits until the group is stable with both members holding partitions of the topic, and
 * returns each member's partitions, identified by client id.
 */
async function waitForAssignment(
  admin: Admin,
  groupId: string,
  topic: string,
  clientIds: Record<Member, string>,
): Promise<Assignment> {
  let assignment: Assignment = { first: [], second: [] };
  await expect
    .poll(
      async () => {
        const [group] = (await admin.describeGroups([groupId])).groups;
        if (group?.state !== 'Stable') return false;
        assignment = { first: [], second: [] };
        for (const member of group.members) {
          const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          const partitions = decoded?.assignment[topic] ?? [];
          if (member.clientId === clientIds.first) assignment.first = partitions;
          if (member.clientId === clientIds.second) assignment.second = partitions;
        }
        return assignment.first.length > 0 && assignment.second.length > 0;
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBe(true);
  return assignment;
}
