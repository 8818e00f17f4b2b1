import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, appendFileSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteAheadLog, readFrames, type LogStretch, type WalRecord } from './wal.ts';

const decode = (p: Buffer) => JSON.parse(p.toString('utf8')) as { n: number };
const write = (wal: WriteAheadLog<{ n: number }>, n: number) => wal.append(JSON.stringify({ n }), { n });
/** The records of replay stretches, read back as the loader would. */
const readAll = async (dir: string, stretches: LogStretch[]) => (await Promise.all(stretches.map((s) => readFrames(dir, s.segment, s.from, s.to, Infinity, decode)))).flat();

test('group commit: 500 concurrent appends share a handful of fsyncs and are handed over in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-wal-'));
  try {
    const handed: WalRecord<{ n: number }>[] = [];
    const { wal, replay } = await WriteAheadLog.open<{ n: number }>(dir, new Map(), (r) => handed.push(...r));
    assert.deepEqual(replay, []);
    await Promise.all(Array.from({ length: 500 }, (_, n) => write(wal, n)));
    assert.equal(wal.stats.frames, 500);
    assert.ok(wal.stats.fsyncs < 50, `${wal.stats.fsyncs} fsyncs for 500 appends`);
    assert.deepEqual(handed.map((r) => r.kept.n), Array.from({ length: 500 }, (_, n) => n));
    await wal.close();
    const size = statSync(join(dir, '00000001.wal')).size;
    const back = await readFrames(dir, '00000001.wal', 0, size, Infinity, decode);
    assert.equal(back.length, 500);
    assert.equal(back[499].end, size);
    assert.deepEqual((await readFrames(dir, '00000001.wal', back[249].end, size, Infinity, decode)).map((r) => r.kept.n)[0], 250);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn frame at the tail (a crash mid-write, never acknowledged) is cut off on replay; a new segment starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-wal-'));
  try {
    const first = await WriteAheadLog.open<{ n: number }>(dir, new Map(), () => undefined);
    for (let n = 0; n < 3; n++) await write(first.wal, n);
    await first.wal.close();
    const good = statSync(join(dir, '00000001.wal')).size;
    appendFileSync(join(dir, '00000001.wal'), Buffer.from([0, 0, 0, 50, 1, 2, 3, 4, 123, 34]));
    const second = await WriteAheadLog.open(dir, new Map([['00000001.wal', 0]]), () => undefined);
    assert.deepEqual(second.replay, [{ segment: '00000001.wal', from: 0, to: good }]);
    const replayed = await readAll(dir, second.replay);
    assert.deepEqual(replayed.map((r) => r.kept.n), [0, 1, 2]);
    assert.equal(statSync(join(dir, '00000001.wal')).size, good);
    assert.equal(second.wal.currentSegment, '00000002.wal');
    await second.wal.close();
    const third = await WriteAheadLog.open(dir, new Map([['00000001.wal', replayed[1].end]]), () => undefined);
    assert.deepEqual((await readAll(dir, third.replay)).map((r) => r.kept.n), [2], 'only what is past the loaded offset');
    await third.wal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readFrames reads back a stretch within a byte budget, never past its end, a frame larger than the budget whole, and refuses a corrupt one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-wal-'));
  try {
    const handed: WalRecord<{ n: number; pad?: string }>[] = [];
    const { wal } = await WriteAheadLog.open<{ n: number; pad?: string }>(dir, new Map(), (r) => handed.push(...r));
    for (let n = 0; n < 10; n++) await wal.append(JSON.stringify({ n, pad: n === 5 ? 'x'.repeat(500) : '' }), { n });
    const seg = wal.currentSegment;
    const start = (i: number) => (i ? handed[i - 1].end : 0);
    // Budget of ~2 small frames from frame 1; stretch ends after frame 8.
    const two = await readFrames(dir, seg, start(1), handed[8].end, handed[2].end - start(1), decode);
    assert.deepEqual(two.map((r) => r.kept.n), [1, 2]);
    assert.equal(two[1].end, handed[2].end);
    assert.deepEqual((await readFrames(dir, seg, start(6), handed[8].end, 1 << 20, decode)).map((r) => r.kept.n), [6, 7, 8], 'stops at the stretch end');
    assert.deepEqual((await readFrames(dir, seg, start(5), handed[8].end, 10, decode)).map((r) => r.kept.n), [5], 'a frame larger than the budget comes whole');
    const file = join(dir, seg);
    const bytes = readFileSync(file);
    bytes[start(3) + 9] ^= 0xff;
    writeFileSync(file, bytes);
    await assert.rejects(readFrames(dir, seg, start(3), handed[8].end, 1 << 20, decode), /no readable frame at offset/);
    await wal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
