import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Params, Row, StateStore } from '../interfaces.ts';
import { toPositional } from '../state/params.ts';

/** BIGINT (count(*), ids, epoch-ms instants) and NUMERIC come back as numbers, as they do from SQLite. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format);
  },
};

type Tx = { client: pg.PoolClient; open: boolean };

/**
 * The state store on PostgreSQL (`SIYU_STATE_URL=postgresql://…`): a pool of connections; a transaction runs on one
 * of them from BEGIN to COMMIT, and the statements made within its async context go to it. Statements elsewhere run
 * on the pool, so callers never wait for each other's transactions.
 */
export class PostgresState implements StateStore {
  readonly dialect = 'postgres' as const;
  private readonly tx = new AsyncLocalStorage<Tx>();

  private constructor(private readonly pool: pg.Pool, readonly location: string) {}

  static async open(url: string): Promise<PostgresState> {
    const pool = new pg.Pool({ connectionString: url, max: 8, types, idleTimeoutMillis: 30_000 });
    pool.on('error', () => undefined);   // an idle client lost: the next query gets a fresh one
    const s = new PostgresState(pool, redact(url));
    await s.scalar('select 1');
    return s;
  }

  private target(): pg.Pool | pg.PoolClient {
    const t = this.tx.getStore();
    return t?.open ? t.client : this.pool;
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const { text, values } = toPositional(sql, params);
    return (await this.target().query(text, values)).rows as T[];
  }

  async get<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async scalar(sql: string, params?: Params): Promise<number> {
    const row = await this.get(sql, params);
    return row ? Number(Object.values(row)[0] ?? 0) : 0;
  }

  async run(sql: string, params?: Params): Promise<number> {
    const { text, values } = toPositional(sql, params);
    return (await this.target().query(text, values)).rowCount ?? 0;
  }

  /** Several statements in one text (migrations); no parameters. */
  async exec(sql: string): Promise<void> {
    await this.target().query(sql);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.within('begin', fn);
  }

  snapshot<T>(fn: () => Promise<T>): Promise<T> {
    return this.within('begin isolation level repeatable read read only', fn);
  }

  private async within<T>(begin: string, fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()?.open) return fn();
    const client = await this.pool.connect();
    const t: Tx = { client, open: true };
    try {
      await client.query(begin);
      const out = await this.tx.run(t, fn);
      t.open = false;
      await client.query('commit');
      return out;
    } catch (e) {
      t.open = false;
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgresql://…';
  }
}
