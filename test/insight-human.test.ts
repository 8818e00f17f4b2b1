import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { runProgram } from '../src/cli/program.ts';
import { bufferOutput } from '../src/cli/output.ts';
import { textTable, displayWidth } from '../src/cli/commands/textTable.ts';
import { smallShop, addEvents } from './insight/fixture.ts';

const isJson = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

test('insight customer, staff, funnel and campaigns print readable tables without --json, cohort has column headers; --json stays JSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-human-'));
  const app = await openApp({ dir });
  try {
    await smallShop(app);
    await app.warehouse.run(`insert into contact_ownership (workspace_id, customer_id, staff_code, added_at) values (1, 1, 'G7', '2024-01-01')`);
    await app.warehouse.run(`insert into campaigns (workspace_id, campaign_id, name, started_at, ended_at) values (1, 'C1', '春季召回', '2024-01-31 16:00:00', '2024-03-01 16:00:00')`);
    await app.warehouse.run(`insert into campaign_members (workspace_id, campaign_id, customer_id, arm) values (1, 'C1', 1, 'treatment'), (1, 'C1', 2, 'holdout')`);
    await addEvents(app, [{ c: 1, type: 'product_view', d: '2024-02-10', props: { session_id: 's1' } }, { c: 1, type: 'add_to_cart', d: '2024-02-10', props: { session_id: 's1' } }]);
    const run = async (...args: string[]) => {
      const output = bufferOutput();
      const code = await runProgram(['insight', ...args], { output, cwd: dir, forwarded: false, withApp: (fn) => fn(app) });
      assert.equal(code, 0, output.stderr.join(''));
      return output.stdout.join('');
    };
    const lines = (s: string) => s.split('\n');
    const customer = await run('customer', '--id', '1');
    assert.ok(!isJson(customer));
    assert.match(customer, /^客户 Customer 1 {2}\(active\)/);
    assert.match(customer, /城市 City\s+杭州/);
    assert.match(customer, /标识 Identifier|标识 Identifiers: —/);
    assert.match(customer, /成交额 GMV\s+¥180\.00/);
    assert.match(customer, /时间 Time\s+类型 Kind\s+编号 Ref/);
    assert.match(customer, /2024-03-01T12:00:00\+08:00\s+order\s+a3\s+pos\s+¥30\.00\s+paid/);
    const staff = await run('staff');
    assert.ok(!isJson(staff));
    assert.match(staff, /导购 Guide\s+门店 Store\s+好友 Contacts\s+活跃 Active/);
    assert.match(staff, /G7\s+—\s+1\s+1\s+¥180\.00\s+100\.0%/);
    const f = await run('funnel');
    assert.ok(!isJson(f));
    assert.match(f, /分组 Breakdown\s+product_view\s+add_to_cart \(转化 rate\)\s+order \(转化 rate\)\s+总转化 Overall/);
    assert.match(f, /all\s+1\s+1 \(100\.0%\)\s+0 \(0\.0%\)\s+0\.0%/);
    const c = await run('campaigns');
    assert.ok(!isJson(c));
    assert.match(c, /活动 Campaign\s+名称 Name\s+组 Arm\s+人数 Members/);
    assert.match(c, /C1\s+春季召回\s+实验组 treatment\s+1\s+1\s+100\.0%/);
    assert.match(c, /C1: 2024-02-01T00:00:00\+08:00 … 2024-03-02T00:00:00\+08:00/);
    const cohort = lines(await run('cohort'));
    assert.match(cohort[2], /^同期群 Cohort\s+人数 Size\s+M0\s+M1\s+M2$/);
    assert.match(cohort[4], /^2024-01\s+2\s+100\.0%\s+50\.0%\s+50\.0%$/);
    assert.equal(displayWidth(cohort[2]), displayWidth(cohort[4]), 'columns line up (a CJK character is two columns wide)');
    for (const name of ['customer', 'staff', 'funnel', 'campaigns', 'cohort']) {
      assert.ok(isJson(await run(name, ...(name === 'customer' ? ['--id', '1'] : []), '--json')), `${name} --json`);
    }
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a text table pads by display width and right-aligns numbers', () => {
  assert.equal(textTable(['名 Name', 'n'], [['张三', 1], ['Li', 22]]), ['名 Name   n', '-------  --', '张三      1', 'Li       22'].join('\n'));
});
