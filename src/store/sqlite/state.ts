import Database from 'libsql';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Params, Row, StateStore } from '../interfaces.ts';
import { stateParams } from '../state/params.ts';
import { Serial } from '../serial.ts';

type Statement = { all(p?: unknown): Row[]; run(p?: unknown): { changes: number } };
type Connection = { prepare(sql: string): Statement; exec(sql: string): void; pragma(p: string, o?: { simple: boolean }): unknown; close(): void };

/**
 * The embedded state store: one SQLite file (libsql's build, a prebuilt binary) beside the warehouse, in WAL mode with
 * `synchronous=FULL` — a transaction that has returned is on disk, whatever happens next. One connection per process,
 * shared by every caller through `Serial`; other processes on the same file wait on SQLite's own lock (busy timeout).
 */
export class SqliteState implements StateStore {
  readonly dialect = 'sqlite' as const;
  private readonly serial = new Serial();
  private readonly statements = new Map<string, Statement>();

  private constructor(private readonly db: Connection, readonly location: string) {}

  static open(file: string): SqliteState {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    }
    const fresh = file === ':memory:' || !existsSync(file);
    const db = new Database(file) as unknown as Connection;
    if (fresh && file !== ':memory:') chmodSync(file, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 15000');
    db.pragma('foreign_keys = ON');
    return new SqliteState(db, file);
  }

  private prepared(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    return this.serial.statement(() => this.prepared(sql).all(stateParams(params)) as T[]);
  }

  async get<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async scalar(sql: string, params?: Params): Promise<number> {
    const row = await this.get(sql, params);
    return row ? Number(Object.values(row)[0] ?? 0) : 0;
  }

  async run(sql: string, params?: Params): Promise<number> {
    return this.serial.statement(() => this.prepared(sql).run(stateParams(params)).changes);
  }

  /** Several statements in one text (migrations); no parameters. */
  async exec(sql: string): Promise<void> {
    await this.serial.statement(() => this.db.exec(sql));
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial.transaction(
      fn,
      () => this.db.exec('begin immediate'),
      () => this.db.exec('commit'),
      () => this.db.exec('rollback'),
    );
  }

  /** In WAL mode a deferred transaction reads one snapshot; writers of other processes go on meanwhile. */
  snapshot<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial.transaction(fn, () => this.db.exec('begin'), () => this.db.exec('commit'), () => this.db.exec('rollback'));
  }

  /** Folds the write-ahead log into the file and leaves WAL mode: the file alone is the whole database (a backup). */
  async seal(): Promise<void> {
    await this.serial.statement(() => {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.pragma('journal_mode = DELETE');
    });
  }

  async close(): Promise<void> {
    await this.serial.statement(() => {
      this.statements.clear();
      this.db.close();
    });
  }
}
