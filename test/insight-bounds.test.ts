// Every option of every insight question, given out-of-range and malformed values, through the API and the CLI:
// a 400 / exit 1 with the same words on both (never a 500 / internal error), and values in range still answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { INSIGHT_ENDPOINTS } from '../src/insight/endpoints.ts';
import { runProgram } from '../src/cli/program.ts';
import { bufferOutput } from '../src/cli/output.ts';
import { smallShop } from './insight/fixture.ts';

const NUMBERS = ['-1', '0', '1e308', String(2 ** 31), 'NaN', 'x'];
const inBounds = (v: string, o: { type: string; minimum?: number; maximum?: number }) => {
  const x = Number(v);
  return v !== 'NaN' && v !== 'x' && Number.isFinite(x) && (o.type !== 'integer' || Number.isInteger(x)) && x >= o.minimum! && x <= o.maximum!;
};

test('every numeric option of every insight question has bounds; -1, 0, 1e308, 2^31, NaN and x answer 400 where out of range, alike on the CLI, never 500', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-bounds-'));
  const app = await openApp({ dir });
  const server = await buildServer(app);
  try {
    await smallShop(app);
    const headers = await authHeaders(app, 'analyst');
    const cli = async (args: string[]) => {
      const output = bufferOutput();
      const code = await runProgram(args, { output, cwd: dir, forwarded: false, withApp: (fn) => fn(app) });
      return { code, err: output.stderr.join('') };
    };
    let walked = 0;
    for (const e of INSIGHT_ENDPOINTS) {
      for (const [name, o] of Object.entries(e.options)) {
        const values = o.type === 'string' ? (o.enum ? ['x', 'Month'] : o.format === 'date' ? ['2024-13-45', 'x'] : []) : NUMBERS;
        if (o.type !== 'string') assert.ok(o.minimum !== undefined && o.maximum !== undefined, `${e.name}.${name} has bounds`);
        for (const v of values) {
          const extra = e.name === 'customer' && name !== 'id' ? '&id=1' : '';
          const res = await server.inject({ method: 'GET', url: `/api/v1/insight/${e.name}?${name}=${encodeURIComponent(v)}${extra}`, headers });
          const ok = o.type === 'string' ? false : inBounds(v, o);
          const what = `${e.name}?${name}=${v}`;
          assert.notEqual(res.statusCode, 500, `${what}: ${res.body.slice(0, 200)}`);
          if (!ok) assert.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 200)}`);
          else assert.ok([200, 404].includes(res.statusCode), `${what} is in range: ${res.statusCode} ${res.body.slice(0, 200)}`);
          const args = ['insight', e.name, `--${name.replaceAll('_', '-')}`, v, '--json', ...(extra ? ['--id', '1'] : [])];
          const c = await cli(args);
          assert.notEqual(c.code, 2, `${args.join(' ')}: ${c.err}`);
          if (!ok) {
            assert.equal(c.code, 1, `${args.join(' ')}: ${c.err}`);
            const apiWords = String(res.json().message);
            assert.ok(c.err.includes(apiWords.replace(name, `--${name.replaceAll('_', '-')}`)), `${what}: the CLI says what the API says: ${c.err} / ${apiWords}`);
            assert.match(c.err, /错误：/);
          }
          walked++;
        }
      }
    }
    assert.ok(walked >= 120, `walked ${walked} values`);
    const unknown = await server.inject({ method: 'GET', url: '/api/v1/insight/kpi?limit=1', headers });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().message, /Unknown option 'limit'/);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
