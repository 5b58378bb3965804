import { afterAll, describe, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { dropDatabase, dropTemplate, migratedDatabase, serverOf, TEST_DATABASE_URL, unreachable, urlOf } from '../helpers/postgres.js';
import { adminContract } from './admin.contract.js';
import { backlogContract } from './backlog.contract.js';
import type { StoreFactory } from './contract.js';
import { feedsContract } from './feeds.contract.js';
import { followUpContract } from './follow-up.contract.js';
import { hubRecordsContract } from './hub-records.contract.js';
import { inboxContract } from './inbox.contract.js';
import { replaysContract } from './replays.contract.js';
import { transferQueueContract } from './transfer-queue.contract.js';

/** A fresh database per test, copied from the migrated template; peers are stores with pools of their own on it. */
function postgresFactory(): StoreFactory {
  let name: string | null = null;
  return {
    open: async () => {
      name = await migratedDatabase();
      return openPostgresStore({ url: urlOf(name) });
    },
    openPeer: async () => openPostgresStore({ url: urlOf(name!) }),
    dispose: async () => {
      if (name) await dropDatabase(name);
    },
  };
}

const problem = await unreachable();
const where = serverOf(TEST_DATABASE_URL);

if (problem !== null && process.env.CI === 'true') {
  describe('PostgreSQL store', () => {
    it(`needs PostgreSQL at ${where}`, () => {
      throw new Error(`PostgreSQL unreachable at ${where} (${problem}); CI runs the PostgreSQL store's tests: start PostgreSQL or set HOOKYARD_TEST_DATABASE_URL`);
    });
  });
} else if (problem !== null) {
  describe.skip(`PostgreSQL unreachable at ${where} (${problem}); set HOOKYARD_TEST_DATABASE_URL`, () => {
    it('runs the Store contract against PostgreSQL', () => {});
  });
} else {
  afterAll(dropTemplate);
  for (const contract of [inboxContract, transferQueueContract, followUpContract, hubRecordsContract, feedsContract, replaysContract, adminContract, backlogContract]) contract('postgres', postgresFactory);
}
