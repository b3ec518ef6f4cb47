import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import {
  cannotStart,
  createTestDatabase,
  requireServices,
  servicesScript,
  startKafka,
  startPostgres,
  startRedis,
} from './services.js';
import { accepts, kafkaApiVersions, redisCommand } from './wire-probes.js';

const psqlValue = async (url: string, sql: string): Promise<string> =>
  (await servicesScript(['psql', url, '-v', 'ON_ERROR_STOP=1', '-tAc', sql])).trim();

describe('startRedis', { skip: cannotStart(['redis']) }, () => {
  test('answers PING, refuses connections while stopped, comes back on the same port', async () => {
    const redis = await startRedis();
    try {
      assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(await redisCommand(redis.url, 'PING'), '+PONG');
      assert.equal(await redisCommand(redis.url, 'SET', 'k', 'v'), '+OK');

      await redis.stop();
      assert.equal(await accepts(redis.port), false);

      await redis.start();
      assert.equal(await redisCommand(redis.url, 'PING'), '+PONG');
      // No persistence: a restart empties it, as a real cache restart would.
      assert.equal(await redisCommand(redis.url, 'GET', 'k'), '$-1');
    } finally {
      await redis.close();
    }
    assert.equal(existsSync(redis.dir), false);
    assert.equal(await accepts(redis.port), false);
    await redis.close();
  });
});

describe('startPostgres', { skip: cannotStart(['postgres']) }, () => {
  test('serves database tickflow, and keeps its data across a stop on the same port', async () => {
    const pg = await startPostgres();
    try {
      assert.match(pg.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/tickflow$/);
      await psqlValue(pg.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');

      await pg.stop();
      assert.equal(await accepts(pg.port), false);
      await assert.rejects(psqlValue(pg.url, 'SELECT 1'));

      await pg.start();
      assert.equal(await psqlValue(pg.url, 'SELECT v FROM kept'), '42');
    } finally {
      await pg.close();
    }
    assert.equal(existsSync(pg.dir), false);
    assert.equal(await accepts(pg.port), false);
  });

  test('createTestDatabase gives an empty database of its own, and drop removes it', async () => {
    const pg = await startPostgres();
    try {
      await psqlValue(pg.url, 'CREATE TABLE shared_only (v int)');
      const a = await createTestDatabase(pg.url);
      const b = await createTestDatabase(pg.url);
      assert.notEqual(a.name, b.name);
      assert.equal(a.url, pg.url.replace(/\/tickflow$/, `/${a.name}`));
      assert.equal(await psqlValue(a.url, "SELECT to_regclass('shared_only') IS NULL"), 't');
      await psqlValue(a.url, 'CREATE TABLE mine (v int)');
      assert.equal(await psqlValue(b.url, "SELECT to_regclass('mine') IS NULL"), 't');

      await a.drop();
      await b.drop();
      const left = await psqlValue(pg.url, "SELECT count(*) FROM pg_database WHERE datname LIKE 'tf\\_%'");
      assert.equal(left, '0');
    } finally {
      await pg.close();
    }
  });
});

describe('startKafka', { skip: cannotStart(['kafka']) }, () => {
  test('serves requests, refuses connections while stopped, comes back on the same port', async () => {
    const kafka = await startKafka();
    try {
      assert.match(kafka.url, /^127\.0\.0\.1:\d+$/);
      assert.equal(await kafkaApiVersions(kafka.url), 0);

      await kafka.stop();
      assert.equal(await accepts(kafka.port), false);

      await kafka.start();
      assert.equal(await kafkaApiVersions(kafka.url), 0);
    } finally {
      await kafka.close();
    }
    assert.equal(existsSync(kafka.dir), false);
  });
});

describe('requireServices', () => {
  const env = { KAFKA_BROKERS: '127.0.0.1:1', DATABASE_URL: 'postgres://u@127.0.0.1:2/tickflow' };

  test('returns the URLs of the services asked for', (t) => {
    assert.deepEqual(requireServices(t, ['kafka', 'postgres'], env), {
      kafka: '127.0.0.1:1',
      postgres: 'postgres://u@127.0.0.1:2/tickflow',
    });
  });

  test('fails under CI=true when one is missing, naming its variable', (t) => {
    assert.throws(() => requireServices(t, ['kafka', 'redis'], { ...env, CI: 'true' }), /CI=true.*REDIS_URL/);
  });

  test('skips outside CI when one is missing, saying why, loudly', (t) => {
    // A stand-in context: a real skipped subtest would show up in every run's skip count.
    const skips: (string | undefined)[] = [];
    const context = { name: 'needs-redis', skip: (message?: string) => skips.push(message) };
    const stderr = t.mock.method(process.stderr, 'write', () => true);
    assert.equal(requireServices(context as unknown as TestContext, ['redis'], env), undefined);
    stderr.mock.restore();
    assert.equal(skips.length, 1);
    assert.match(skips[0]!, /needs-redis needs redis, but REDIS_URL is not set/);
    assert.match(String(stderr.mock.calls[0]?.arguments[0]), /#{80}\n# SKIPPED: needs-redis needs redis/);
  });
});

describe('cannotStart', () => {
  const noPostgres = { ...process.env, CI: '', TICKFLOW_PG_BIN: '/nonexistent' };

  test('names what is missing outside CI, loudly', (t) => {
    const stderr = t.mock.method(process.stderr, 'write', () => true);
    const why = cannotStart(['postgres'], noPostgres);
    stderr.mock.restore();
    assert.match(String(why), /postgres: .*initdb.*\/nonexistent/);
    assert.match(String(stderr.mock.calls[0]?.arguments[0]), /# SKIPPED: cannot start postgres here/);
  });

  test('throws under CI=true', () => {
    assert.throws(() => cannotStart(['postgres'], { ...noPostgres, CI: 'true' }), /CI=true/);
  });
});
