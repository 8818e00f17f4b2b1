import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The CLI as an operator uses it while `siyu serve` runs (its commands are forwarded into the server): a source made
 * with `siyu sources create` takes events at once, `siyu sources list --json` shows per source its trust, stored
 * events and dead letters, and after `siyu sources rotate-key` the old key is refused and the new one works.
 */
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const run = promisify(execFile);

test('siyu sources create / list / rotate-key against a running server', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-cli-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const env = { ...process.env, SIYU_DATA_DIR: dir };
  const siyu = async (...args: string[]) => JSON.parse((await run(process.execPath, [bin, ...args], { env })).stdout);
  const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const track = (key: string, id: string) => fetch(`${base}/v1/track`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u', event: 'E', messageId: id }) });
  try {
    for (let i = 0; i < 240 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 250));
    const web = await siyu('sources', 'create', '--name', 'web', '--json');
    assert.equal(web.trust, 'client');
    assert.equal((await track(web.write_key, 'c1')).status, 200, 'the key works as soon as the command returns');
    const backend = await siyu('sources', 'create', '--name', 'backend', '--kind', 'server', '--json');
    assert.equal(backend.trust, 'server');
    let listed: { sources: { name: string; trust: string; events: number; dead_letters: number }[] } = { sources: [] };
    for (let i = 0; i < 50; i++) {
      listed = await siyu('sources', 'list', '--json');
      if (listed.sources.find((s) => s.name === 'web')?.events === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(listed.sources.map((s) => [s.name, s.trust, s.events, s.dead_letters]), [['web', 'client', 1, 0], ['backend', 'server', 0, 0]]);
    const rotated = await siyu('sources', 'rotate-key', '--name', 'web', '--json');
    assert.equal((await track(web.write_key, 'c2')).status, 401, 'the old key is refused');
    assert.equal((await track(rotated.write_key, 'c3')).status, 200);
  } finally {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
