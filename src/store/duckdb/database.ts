import { DuckDBInstance, type DuckDBConnection, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../errors.ts';
import { toPlain } from './values.ts';

export type Params = Record<string, unknown> | unknown[];
export type Row = Record<string, unknown>;

/**
 * One DuckDB file, one connection. Queries use bound parameters (`$name` or `?`), never text built from user
 * input. Results come back as plain JS values (numbers, strings, ISO times). Writes inside `transaction` are
 * all-or-nothing.
 */
export class Database {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly file: string,
    private readonly ownsInstance = true,
  ) {}

  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<Database> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
    } catch (e) {
      const msg = String((e as Error).message ?? e);
      if (/lock/i.test(msg)) {
        throw new UserError(
          'store_busy',
          `The store ${file} is held by another Siyu process; stop it, or run this command while 'siyu serve' is up so it goes through the server.`,
          `数据库 ${file} 正被另一个 Siyu 进程占用：请先停止该进程，或在 'siyu serve' 运行时执行本命令（将通过服务器转发）。`,
          409,
        );
      }
      throw e;
    }
    const connection = await instance.connect();
    return new Database(instance, connection, file);
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params as never);
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as never);
    const names = reader.columnNames();
    return reader.getRows().map((row) => {
      const o: Row = {};
      row.forEach((v, i) => (o[names[i]] = toPlain(v as DuckDBValue)));
      return o as T;
    });
  }

  async get<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** A single number from a query like `select count(*) from …`. */
  async scalar(sql: string, params?: Params): Promise<number> {
    const row = await this.get(sql, params);
    return row ? Number(Object.values(row)[0] ?? 0) : 0;
  }

  private depth = 0;
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.depth > 0) return fn();
    this.depth++;
    await this.run('begin transaction');
    try {
      const out = await fn();
      await this.run('commit');
      return out;
    } catch (e) {
      await this.run('rollback').catch(() => undefined);
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** A second connection on the same file, for a unit of work that must not share this one's transaction. */
  async fork(): Promise<Database> {
    return new Database(this.instance, await this.instance.connect(), this.file, false);
  }

  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

/** DuckDB ran out of its buffer pool (a statement that could not spill, or a cap too small for the reader). */
export function isOutOfMemory(e: unknown): boolean {
  return /Out of Memory/i.test(String((e as Error)?.message ?? e));
}
