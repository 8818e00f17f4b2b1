import { resolve, join } from 'node:path';

/** Where Siyu keeps its store, keyring and working files; `SIYU_DATA_DIR` moves it (default ./data). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIYU_DATA_DIR || 'data');
}

export const paths = {
  database: (dir: string) => join(dir, 'siyu.duckdb'),
  keyring: (dir: string) => join(dir, 'keyring.json'),
  serverLock: (dir: string) => join(dir, 'server.json'),
  quarantine: (dir: string) => join(dir, 'quarantine'),
  wal: (dir: string) => join(dir, 'wal'),
  logs: (dir: string) => join(dir, 'logs'),
  reports: (dir: string) => join(dir, 'reports'),
};

/** Times are stored in UTC and shown in the workspace's zone; Asia/Shanghai by default. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_WORKSPACE = 1;
