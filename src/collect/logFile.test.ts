import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFile } from './logFile.ts';

test('the log thread appends and syncs in order, reports its thread id, and turns file errors into rejections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-logfile-'));
  const f = await LogFile.start();
  try {
    if (process.platform === 'linux') assert.ok(f.tid > 0 && f.tid !== process.pid, `a thread of its own (tid ${f.tid})`);
    await assert.rejects(f.append(Buffer.from('x')), /closed/);
    await assert.rejects(f.open(join(dir, 'no-such-dir', 'a.wal')), /ENOENT/);
    await f.open(join(dir, 'a.wal'));
    await Promise.all(['一', 'two', '三'].map((s) => f.append(Buffer.from(s))));
    assert.equal(readFileSync(join(dir, 'a.wal'), 'utf8'), '一two三');
    await f.open(join(dir, 'b.wal'));
    await f.append(Buffer.from('b'));
    assert.equal(readFileSync(join(dir, 'b.wal'), 'utf8'), 'b');
  } finally {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(f.append(Buffer.from('late')), /closed/);
});
