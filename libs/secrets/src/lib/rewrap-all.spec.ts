import { randomBytes } from 'node:crypto';
import { DataSource, Table, type EntityManager } from 'typeorm';
import { TransactionRunner } from '@payrail/database';
import {
  describeEachDatabase,
  openTestDataSource,
  type DatabaseKind,
  type TestDataSource as TestDatabase,
} from '@payrail/testing';
import { rewrapAll, type RewrapResult, type TransactionScope } from './rewrap-all';
import { Keyring, masterKeyFrom, SecretBox, type MasterKey } from './secret-box';

const key = () => masterKeyFrom(randomBytes(32).toString('base64'));
const secretsOf = (i: number) => ({
  secretKey: `sk_test_rotation${String(i).padStart(6, '0')}abcdef`,
  webhookSecret: `whsec_rot${i}xyz12345`,
});
const id = (i: number) => `conn_${String(i).padStart(4, '0')}`;

/** A fresh database with the one table rewrapAll walks. */
const openConnectionsDatabase = (kind: DatabaseKind) =>
  openTestDataSource(kind, {
    prepare: async (dataSource) => {
      const runner = dataSource.createQueryRunner();
      await runner.createTable(
        new Table({
          name: 'gateway_connections',
          columns: [
            { name: 'id', type: 'varchar', length: '40', isPrimary: true },
            { name: 'gateway', type: 'varchar', length: '40' },
            { name: 'secret_values', type: 'text' },
          ],
        }),
      );
      await runner.release();
    },
  });

describeEachDatabase('rewrapAll on %s', (kind) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let oldKey: MasterKey;
  let newKey: MasterKey;

  beforeEach(async () => {
    db = await openConnectionsDatabase(kind);
    dataSource = db.dataSource;
    oldKey = key();
    newKey = key();
  });

  afterEach(async () => {
    await db.close();
  });

  async function insert(rows: { id: string; sealed: string }[]): Promise<void> {
    for (const row of rows) {
      await dataSource
        .createQueryBuilder()
        .insert()
        .into('gateway_connections')
        .values({ id: row.id, gateway: 'stripe', secret_values: row.sealed })
        .execute();
    }
  }

  async function stored(): Promise<Map<string, string>> {
    const rows: { id: string; secret_values: string }[] = await dataSource.query(
      'SELECT id, secret_values FROM gateway_connections ORDER BY id',
    );
    return new Map(rows.map((r) => [r.id, r.secret_values]));
  }

  it('re-wraps every row under the new key in batches, and everything still decrypts', async () => {
    const oldBox = new SecretBox(new Keyring(oldKey));
    const rows = Array.from({ length: 230 }, (_, i) => ({
      id: id(i),
      sealed: oldBox.seal(JSON.stringify(secretsOf(i))),
    }));
    const before = new Map(rows.map((r) => [r.id, r.sealed]));
    // Two were already written under the new key by an instance that has it.
    rows[7].sealed = new SecretBox(new Keyring(newKey)).seal(JSON.stringify(secretsOf(7)));
    rows[150].sealed = new SecretBox(new Keyring(newKey)).seal(JSON.stringify(secretsOf(150)));
    await insert(rows);

    const progress: number[] = [];
    const rotating = new SecretBox(new Keyring(newKey, [oldKey]));
    const result = await rewrapAll(dataSource, rotating, {
      batchSize: 100,
      onProgress: (p) => progress.push(p.scanned),
    });

    expect(result).toEqual<RewrapResult>({
      keyId: newKey.id,
      scanned: 230,
      rewrapped: 228,
      alreadyCurrent: 2,
      empty: 0,
      failed: 0,
      failures: [],
      rewrappedFrom: { [oldKey.id]: 228 },
    });
    expect(progress).toEqual([100, 200, 230]);

    const onlyNew = new SecretBox(new Keyring(newKey));
    const after = await stored();
    expect(after.size).toBe(230);
    for (let i = 0; i < 230; i++) {
      const value = after.get(id(i)) as string;
      expect(onlyNew.keyIdOf(value)).toBe(newKey.id);
      expect(JSON.parse(onlyNew.open(value))).toEqual(secretsOf(i));
      expect(value).not.toContain('sk_test_rotation');
      if (i !== 7 && i !== 150) {
        // Only the wrapped data key changed; the secret's own ciphertext was never touched.
        expect(JSON.parse(value).ct).toBe(JSON.parse(before.get(id(i)) as string).ct);
        expect(JSON.parse(value).dk).not.toBe(JSON.parse(before.get(id(i)) as string).dk);
      }
    }

    const again = await rewrapAll(dataSource, rotating);
    expect(again).toMatchObject({ scanned: 230, rewrapped: 0, alreadyCurrent: 230, failed: 0 });
  });

  it('reports rows it cannot rewrap without quoting them, and rewraps the rest', async () => {
    const stranger = key();
    const oldBox = new SecretBox(new Keyring(oldKey));
    await insert([
      { id: id(1), sealed: oldBox.seal('{"secretKey":"sk_test_first000000000000"}') },
      {
        id: id(2),
        sealed: new SecretBox(new Keyring(stranger)).seal('{"secretKey":"sk_test_stranger0000000000"}'),
      },
      { id: id(3), sealed: 'sk_test_plaintextNeverSealed000' },
      { id: id(4), sealed: '' },
      {
        id: id(5),
        sealed: JSON.stringify({ ...JSON.parse(oldBox.seal('x')), dk: randomBytes(60).toString('base64') }),
      },
    ]);

    const result = await rewrapAll(dataSource, new SecretBox(new Keyring(newKey, [oldKey])));

    expect(result).toMatchObject({ scanned: 5, rewrapped: 1, empty: 1, failed: 3 });
    expect(result.failures).toEqual([
      { id: id(2), reason: expect.stringMatching(new RegExp(`^master key ${stranger.id} is not loaded`)) },
      { id: id(3), reason: 'not a sealed secret' },
      {
        id: id(5),
        reason: `its data key does not open under master key ${oldKey.id} (wrong key material, or the value was altered)`,
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/sk_test_/);
    expect((await stored()).get(id(3))).toBe('sk_test_plaintextNeverSealed000');
  });

  it('re-reads a row whose credentials changed between read and write, so the change is kept', async () => {
    const oldBox = new SecretBox(new Keyring(oldKey));
    await insert([1, 2, 3].map((i) => ({ id: id(i), sealed: oldBox.seal(JSON.stringify(secretsOf(i))) })));

    let writes = 0;
    const racing: TransactionScope = {
      run: async <T>(work: (m: EntityManager) => Promise<T>) => {
        // The second unit of work is the batch's writes: an admin saves new credentials just before.
        if (++writes === 2) {
          await dataSource
            .createQueryBuilder()
            .update('gateway_connections')
            .set({ secret_values: oldBox.seal('{"secretKey":"sk_test_changedMeanwhile0000"}') })
            .where('id = :id', { id: id(2) })
            .execute();
        }
        return dataSource.transaction(work);
      },
    };
    const result = await rewrapAll(racing, new SecretBox(new Keyring(newKey, [oldKey])));

    expect(result).toMatchObject({ scanned: 3, rewrapped: 3, failed: 0 });
    const onlyNew = new SecretBox(new Keyring(newKey));
    expect(onlyNew.open((await stored()).get(id(2)) as string)).toBe(
      '{"secretKey":"sk_test_changedMeanwhile0000"}',
    );
  });

  it('runs through a TransactionRunner and inside a caller’s transaction', async () => {
    const oldBox = new SecretBox(new Keyring(oldKey));
    await insert([1, 2].map((i) => ({ id: id(i), sealed: oldBox.seal(JSON.stringify(secretsOf(i))) })));
    const rotating = new SecretBox(new Keyring(newKey, [oldKey]));

    await expect(rewrapAll(new TransactionRunner(dataSource), rotating)).resolves.toMatchObject({
      rewrapped: 2,
    });

    const newest = key();
    const third = new SecretBox(new Keyring(newest, [newKey]));
    const result = await dataSource.transaction((m) => rewrapAll(m, third, { batchSize: 1 }));
    expect(result).toMatchObject({ scanned: 2, rewrapped: 2, rewrappedFrom: { [newKey.id]: 2 } });
    expect(new SecretBox(new Keyring(newest)).open((await stored()).get(id(1)) as string)).toBe(
      JSON.stringify(secretsOf(1)),
    );
  });

  if (kind === 'postgres') {
    it('finds the table in the schema the connection is configured with', async () => {
      await dataSource.query('CREATE SCHEMA tenant_a');
      const inSchema = await new DataSource({
        type: 'postgres',
        url: (dataSource.options as { url: string }).url,
        schema: 'tenant_a',
      }).initialize();
      try {
        const runner = inSchema.createQueryRunner();
        await runner.createTable(
          new Table({
            name: 'tenant_a.gateway_connections',
            columns: [
              { name: 'id', type: 'varchar', length: '40', isPrimary: true },
              { name: 'secret_values', type: 'text' },
            ],
          }),
        );
        await runner.release();
        const sealed = new SecretBox(new Keyring(oldKey)).seal('{"secretKey":"sk_test_inSchema0000000000"}');
        await inSchema.query(
          `INSERT INTO tenant_a.gateway_connections (id, secret_values) VALUES ('conn_1', $1)`,
          [sealed],
        );
        await expect(
          rewrapAll(inSchema, new SecretBox(new Keyring(newKey, [oldKey]))),
        ).resolves.toMatchObject({
          scanned: 1,
          rewrapped: 1,
        });
        const [row] = await inSchema.query('SELECT secret_values FROM tenant_a.gateway_connections');
        expect(new SecretBox(new Keyring(newKey)).keyIdOf(row.secret_values)).toBe(newKey.id);
      } finally {
        await inSchema.destroy();
      }
    });
  }

  it('refuses a bad batch size', async () => {
    await expect(rewrapAll(dataSource, new SecretBox(new Keyring(newKey)), { batchSize: 0 })).rejects.toThrow(
      'rewrapAll batchSize is 0: expected a whole number from 1 to 1000',
    );
  });
});
