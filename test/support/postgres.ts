/**
 * A private PostgreSQL server for tests: Debian's server binaries (initdb, pg_ctl), a fresh cluster in a temp
 * directory, a Unix socket there and no TCP listener, trust auth, fsync off. As root the server runs as `nobody`
 * (initdb refuses root). `startPostgres()` resolves null — and the caller skips, saying why — when the binaries are
 * missing (.ci/run installs them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PrivatePostgres {
  /** A libpq URL of a fresh database on the server (one per call). */
  database(name?: string): string;
  stop(): void;
}

function binDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const p = which.stdout.trim();
  return p ? join(p, '..') : null;
}

export const postgresMissing = (): string | null => (binDir() ? null : 'PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install -y postgresql');

let counter = 0;

export function startPostgres(): PrivatePostgres | null {
  const bin = binDir();
  if (!bin) return null;
  const root = mkdtempSync(join(tmpdir(), 'siyu-pg-'));
  const data = join(root, 'data');
  const sock = join(root, 'sock');
  mkdirSync(data);
  mkdirSync(sock);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres_test' : userInfo().username;
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ['runuser', ['-u', 'nobody', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    return execFileSync(full[0], full[1] as string[], { stdio: 'pipe', encoding: 'utf8' });
  };
  if (asRoot) {
    chmodSync(root, 0o711);
    for (const d of [root, data, sock]) chownSync(d, 65534, 65534);
  }
  run('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = 20000 + ((process.pid * 7 + counter++ * 13) % 30000);
  run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '60', '-o', `-k ${sock} -p ${port} -c listen_addresses= -c fsync=off -c max_connections=200`, 'start']);
  const url = (db: string) => `postgresql:///${db}?host=${encodeURIComponent(sock)}&port=${port}&user=${user}`;
  let n = 0;
  return {
    database(name?: string) {
      const db = name ?? `siyu_test_${n++}`;
      execFileSync(join(bin, 'psql'), ['-X', '-q', '-h', sock, '-p', String(port), '-U', user, '-d', 'postgres', '-c', `create database ${db}`], { stdio: 'pipe' });
      return url(db);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        /* already down */
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
