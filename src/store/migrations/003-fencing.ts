import type { Migration } from './migration.js';

/**
 * Partition ownership for fencing, and leases on the alert outbox. Each assignment of a partition to a
 * processor bumps its epoch here; a commit for the partition must carry the current epoch, so a former
 * owner that has not noticed the move (a zombie) cannot write. Outbox rows are leased to one relay at a
 * time, so N relays publish each alert once, and an expired lease lets another relay take over.
 */
export const fencing: Migration = {
  version: 3,
  name: 'partition-fencing-and-outbox-leases',
  statements: [
    `CREATE TABLE IF NOT EXISTS partition_owners (
      group_id text NOT NULL,
      partition integer NOT NULL,
      epoch bigint NOT NULL,
      owner text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, partition)
    )`,
    `ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS lease_owner text`,
    `ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS lease_until timestamptz`,
  ],
};
