import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { spawn } from 'node:child_process';
import { chooseScratch } from '../src/store/scratch.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

function holds(path: string, needle: string): boolean {
  try {
    return readFileSync(path).includes(needle);
  } catch {
    return false; // deleted between the listing and the read
  }
}

test('an import that spills under its memory cap spills to private scratch, never into the data directory, and leaves nothing behind', async () => {
  const root = mkdtempSync(join(tmpdir(), 'siyu-spill-import-'));
  const data = join(root, 'data');
  const scratch = join(root, 'scratch');
  const file = join(root, 'customers.csv');
  // 200,000 customers: phones, e-mails and names, far more than an 80 MB buffer pool holds as staged text.
  const rows = ['member_no,phone,email,name'];
  for (let i = 0; i < 200_000; i++) rows.push(`VIPSECRET${String(i).padStart(7, '0')},139${String(i).padStart(8, '0')},secret.person${i}@example.com,测试客户${i}`);
  writeFileSync(file, rows.join('\n') + '\n');
  mkdirSync(scratch);

  const child = spawn(process.execPath, [bin, 'import', 'customers', file, '--json'], {
    env: { ...process.env, SIYU_DATA_DIR: data, SIYU_IMPORT_MEMORY_LIMIT: '80MB', SIYU_SCRATCH_DIR: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  // Watch both places while the import runs: spill files are deleted once their statement ends.
  const inData = new Set<string>();
  const spilled = new Map<string, number>();
  const plain = new Set<string>();
  const watch = setInterval(() => {
    for (const f of filesUnder(data)) if (!/^(siyu\.duckdb(\.wal)?|siyu-state\.db(-wal|-shm|-journal)?|keyring\.json(\.tmp)?)$/.test(basename(f))) inData.add(f);
    for (const f of filesUnder(scratch)) {
      const looks = (spilled.get(f) ?? 0) + 1;
      spilled.set(f, looks);
      if (!plain.has(f) && looks <= 3 && holds(f, 'VIPSECRET')) plain.add(f);
    }
  }, 50);
  const code = await new Promise<number | null>((res) => child.on('close', res));
  clearInterval(watch);
  assert.equal(code, 0, err);
  const summary = JSON.parse(out) as { imported: number; rejected: number };
  assert.equal(summary.imported, 200_000);
  assert.equal(summary.rejected, 0);
  // The import did spill (so this test can see where), and only to the scratch directory.
  assert.deepEqual([...inData], [], 'nothing but the store itself may appear in the data directory');
  assert.ok(spilled.size > 0, 'the import spilled nothing: the test file is too small to show where spills go');
  assert.ok(plain.size > 0, 'the staged plaintext is what spills');
  // The process removed its private scratch directory on exit.
  assert.deepEqual(readdirSync(scratch), []);
  rmSync(root, { recursive: true, force: true });
});

test('scratch is private and memory-backed when a memory file system has room, else the OS temp directory', () => {
  const shm = existsSync('/dev/shm') ? chooseScratch(1, {}, ['/dev/shm']) : null;
  if (shm) {
    assert.equal(shm.inMemory, true);
    assert.match(shm.dir, /^\/dev\/shm\/siyu-spill-\d+-/);
    assert.equal(statSync(shm.dir).mode & 0o777, 0o700);
    rmSync(shm.dir, { recursive: true });
  }
  assert.throws(() => chooseScratch(1, { SIYU_SCRATCH_DIR: join(tmpdir(), 'siyu-no-such-dir') }), (e: Error & { code?: string }) => e.code === 'scratch_dir_missing' && /does not exist/.test(e.message));
  // Asking for more room than any machine has falls back to the OS temp directory.
  const fallback = chooseScratch(Number.MAX_SAFE_INTEGER, {}, ['/dev/shm']);
  assert.ok(fallback.dir.startsWith(join(tmpdir(), 'siyu-spill-')), fallback.dir);
  assert.equal(statSync(fallback.dir).mode & 0o777, 0o700);
  rmSync(fallback.dir, { recursive: true });
});
