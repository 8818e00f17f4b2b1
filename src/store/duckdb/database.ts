import { DuckDBInstance, blobValue, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../errors.ts';
import { toPlain } from './values.ts';
import { setAsideUnreplayedLog, type WarehouseRecovery } from './recovery.ts';
import { Serial } from '../serial.ts';
import type { Appender, Columns, Params, Row, Warehouse } from '../interfaces.ts';

export type { Params, Row } from '../interfaces.ts';

/** Buffers bound as BLOBs, arrays as LISTs; everything else as given. */
function value(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return blobValue(v);
  if (Array.isArray(v)) return listValue(v as never[]);
  return v;
}

function bind(params?: Params): never {
  if (!params) return params as never;
  if (Array.isArray(params)) return params.map(value) as never;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(params)) {
    if (Buffer.isBuffer(v) || Array.isArray(v)) (out ??= { ...params })[k] = value(v);
  }
  return (out ?? params) as never;
}

/**
 * The embedded warehouse: one DuckDB file, one connection. Queries use bound parameters (`$name` or `?`), never
 * text built from user input. Results come back as plain JS values (numbers, strings, ISO times). Writes inside
 * `transaction` are all-or-nothing.
 */
export class Database implements Warehouse {
  readonly dialect = 'duckdb' as const;

  /** Set when this open found the store not shut down cleanly (recovery.ts). */
  recovery: WarehouseRecovery | null = null;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly file: string,
    private readonly ownsInstance = true,
  ) {}

  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<Database> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const recovery = opts.readOnly ? null : setAsideUnreplayedLog(file);
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
    const db = new Database(instance, connection, file);
    db.recovery = recovery;
    return db;
  }

  /** Transactions of this connection's callers, one at a time (several routes share the server's connection). */
  private readonly serial = new Serial();

  async run(sql: string, params?: Params): Promise<void> {
    await this.serial.statement(() => this.connection.run(sql, bind(params)));
  }

  async changes(sql: string, params?: Params): Promise<number> {
    const r = await this.serial.statement(() => this.connection.run(sql, bind(params)));
    return Number(r.rowsChanged);
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.serial.statement(() => this.connection.runAndReadAll(sql, bind(params)));
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

  async scalar(sql: string, params?: Params): Promise<number> {
    const row = await this.get(sql, params);
    return row ? Number(Object.values(row)[0] ?? 0) : 0;
  }

  async columns(sql: string, params?: Params): Promise<Columns> {
    const r = await this.serial.statement(() => this.connection.runAndReadAll(sql, bind(params)));
    return { names: r.columnNames(), columns: r.getColumnsJS() as unknown[][] };
  }

  async doubleColumns(sql: string, params?: Params): Promise<Float64Array[]> {
    const { result, chunks } = await this.serial.statement(async () => {
      const result = await this.connection.run(sql, bind(params));
      return { result, chunks: await result.fetchAllChunks() };
    });
    const n = chunks.reduce((s, c) => s + c.rowCount, 0);
    const out = Array.from({ length: result.columnCount }, () => new Float64Array(n));
    let at = 0;
    for (const chunk of chunks) {
      for (let j = 0; j < out.length; j++) {
        const v = chunk.getColumnVector(j) as unknown as { getItem(i: number): number | null };
        const col = out[j];
        for (let i = 0; i < chunk.rowCount; i++) col[at + i] = v.getItem(i) ?? NaN;
      }
      at += chunk.rowCount;
    }
    return out;
  }

  get inTransaction(): boolean {
    return this.serial.inside;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial.transaction(
      fn,
      () => this.connection.run('begin transaction'),
      () => this.connection.run('commit'),
      () => this.connection.run('rollback'),
    );
  }

  async fork(): Promise<Database> {
    return new Database(this.instance, await this.instance.connect(), this.file, false);
  }

  async appender(table: string, opts: { temp?: boolean } = {}): Promise<Appender> {
    return opts.temp ? this.connection.createAppender(table, 'main', 'temp') : this.connection.createAppender(table);
  }

  /** A checkpoint; one that cannot run now (a conflicting transaction) is retried, then forced (it waits for its lock). */
  async checkpoint(): Promise<void> {
    if (this.file === ':memory:') return;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.run('checkpoint');
        return;
      } catch (e) {
        if (!/transaction|checkpoint/i.test(String((e as Error)?.message ?? e))) throw e;
        await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
      }
    }
    await this.run('force checkpoint');
  }

  async snapshotTo(file: string): Promise<void> {
    const name = (await this.get<{ d: string }>('select current_database() as d'))!.d;
    const alias = `siyu_snapshot_${process.pid}`;
    await this.run(`attach '${file.replace(/'/g, "''")}' as ${alias}`);
    try {
      await this.run(`copy from database "${name.replace(/"/g, '""')}" to ${alias}`);
    } finally {
      await this.run(`detach ${alias}`);
    }
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}
