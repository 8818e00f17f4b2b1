/**
 * first-look #19, the DPO's tools, from the CLI: `siyu pia` writes a document (zh/en; Markdown, HTML, PDF) from the
 * store's figures, saying only what the code does; `siyu consent summary` explains usable against granted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { chromiumPath } from '../src/report/render/browser.ts';
import { seedPeople } from './privacy-fixture.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

test('siyu pia writes the assessment as a document in zh and en, Markdown, HTML and PDF — figures in tables, no JSON dump, no claim the code does not keep', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-pia-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
  try {
    const app = await openApp({ dir });
    await seedPeople(app);
    await app.close();

    const zh = cli('pia');
    assert.equal(zh.status, 0, zh.stderr);
    const mdFile = /(\S+pia-\d{4}-\d\d-\d\d\.zh\.md)/.exec(zh.stdout)![1];
    const md = readFileSync(mdFile, 'utf8');
    assert.match(md, /^# 个人信息保护影响评估报告/);
    assert.ok(!md.includes('```') && !/^\s*[{[]/m.test(md), 'the document holds a JSON dump');
    for (const h of ['一、评估范围', '二、处理的个人信息', '三、处理目的与同意', '六、保存期限', '八、安全措施', '九、风险与措施']) assert.ok(md.includes(`## ${h}`), h);
    assert.match(md, /\| 在用客户 \| 2 \|/);
    assert.match(md, /\| 短信营销 \| 2 \| 0 \| 2 \|/);
    assert.match(md, /\| 标识符：phone \| 2 \|/);
    assert.match(md, /“当前可用”是同意策略此刻允许使用的客户数/);
    assert.match(md, /尚未实现：消息发送、人群导出/);
    assert.ok(!/每次发送|every send/.test(md));
    assert.equal(statSync(mdFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'reports')).mode & 0o777, 0o700);
    const figures = readFileSync(mdFile.replace('.zh.md', '.json'), 'utf8');
    assert.equal(JSON.parse(figures).processing.people.active, 2);
    assert.ok(!figures.includes('13812345678'));

    const en = cli('pia', '--lang', 'en', '--format', 'html');
    assert.equal(en.status, 0, en.stderr);
    const html = readFileSync(/(\S+\.en\.html)/.exec(en.stdout)![1], 'utf8');
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<h1>Personal information protection impact assessment<\/h1>/);
    assert.match(html, /<td>SMS marketing<\/td><td>2<\/td><td>0<\/td><td>2<\/td>/);
    assert.match(html, /Not built yet: message sending, segment export, partner sharing, recommendations/);
    assert.ok(!html.includes('"purposes_and_consent"'));

    const bad = cli('pia', '--lang', 'fr');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--lang must be zh or en/);

    if (!chromiumPath()) {
      t.diagnostic('Chromium not installed: the PDF is not printed here');
      return;
    }
    const pdf = cli('pia', '--format', 'pdf');
    assert.equal(pdf.status, 0, pdf.stderr);
    const file = /(\S+\.zh\.pdf)/.exec(pdf.stdout)![1];
    assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
    assert.ok(statSync(file).size > 10_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('siyu consent summary says what usable and granted mean, in both languages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-pia-'));
  try {
    const app = await openApp({ dir });
    await seedPeople(app);
    await app.close();
    const r = spawnSync(process.execPath, [bin, 'consent', 'summary'], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /purpose \/ 用途\s+granted 已同意\s+withdrawn 已撤回\s+usable 可用/);
    assert.match(r.stdout, /^marketing_sms\s+2\s+0\s+2$/m);
    assert.match(r.stdout, /usable: customers the policy permits now/);
    assert.match(r.stdout, /可用：此刻同意策略允许使用的客户数/);
    const json = JSON.parse(spawnSync(process.execPath, [bin, 'consent', 'summary', '--json'], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' }).stdout);
    assert.deepEqual(json.find((x: { purpose: string }) => x.purpose === 'marketing_sms'), { purpose: 'marketing_sms', granted: 2, withdrawn: 0, permitted: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
