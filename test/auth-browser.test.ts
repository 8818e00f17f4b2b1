// The sign-in page, the forced password change and the report's account bar in a real browser (Debian's
// chromium via playwright-core), under the pages' CSP: no open redirect (harden #7), the one-time password must be
// changed (first-look #4), change password and log out on the report page. Skips, saying why, without chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumPath, launchChromium } from '../src/report/render/browser.ts';
import { createUser } from '../src/server/auth/users.ts';
import { seedReportFixture } from './report.fixture.ts';
import { liveServer, removeDir, announcedPassword, type Live } from './auth.helpers.ts';

const skip = chromiumPath() ? false : 'chromium not installed (apt-get install -y chromium): browser tests skipped';
const PW = 'Camellia-Ferry-Dawn-61';
let live: Live;
let browser: Browser;

before(async () => {
  if (skip) return;
  live = await liveServer();
  await createUser(live.app, { username: 'ana', role: 'analyst', password: PW });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (live) {
    await live.stop();
    removeDir(live.dir);
  }
});

async function page(): Promise<{ ctx: BrowserContext; p: Page; errors: string[] }> {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const errors: string[] = [];
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', (e) => errors.push(String(e)));
  return { ctx, p, errors };
}

async function signIn(p: Page, user: string, password: string): Promise<void> {
  await p.fill('#u', user);
  await p.fill('#p', password);
  await p.press('#p', 'Enter');
}

for (const next of ['/%5Cevil.example/phish', '//evil.example/x', '/%09/evil.example', 'javascript:alert(1)', '%2F%5Cevil.example']) {
  test(`after sign-in, ?next=${next} stays on this site`, { skip }, async () => {
    const { ctx, p, errors } = await page();
    try {
      await p.goto(`${live.base}/login?next=${next}`);
      await Promise.all([p.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 }), signIn(p, 'ana', PW)]);
      assert.equal(new URL(p.url()).origin, live.base);
      assert.equal(new URL(p.url()).pathname, '/');
      assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), []);
    } finally {
      await ctx.close();
    }
  });
}

test('the one-time password: sign-in shows the change form; after it the user lands where headed; the report has change password and log out', { skip }, async () => {
  await seedReportFixture(live.app, 300);
  const { ctx, p, errors } = await page();
  try {
    const target = '/report?lang=en&from=2026-10-01&to=2026-10-31';
    await p.goto(`${live.base}${target}`);
    assert.equal(new URL(p.url()).pathname, '/login', 'no session: sent to sign in');
    await signIn(p, 'owner', announcedPassword(live.said));
    await p.waitForSelector('#c:not([hidden])');
    assert.equal(await p.locator('#f').isVisible(), false);
    assert.equal(await p.locator('input[type="password"]:visible').count(), 3);
    await p.fill('#new', PW);
    await p.fill('#new2', PW);
    await Promise.all([p.waitForURL((u) => u.pathname === '/report', { timeout: 60_000 }), p.press('#new2', 'Enter')]);
    await p.waitForSelector('body[data-charts-ready]', { timeout: 60_000 });
    assert.ok(Number(await p.getAttribute('body', 'data-charts-ready')) >= 5, 'charts drawn under the CSP');
    assert.deepEqual(errors, []);
    const bar = p.locator('#siyu-account');
    assert.match(await bar.innerText(), /owner[\s\S]*Change password[\s\S]*Log out/);
    assert.equal(await bar.locator('a').getAttribute('href'), `/login?change=1&next=${encodeURIComponent(target)}`);
    // 修改密码 from the bar: the form, then back to the report
    await bar.locator('a').click();
    await p.waitForSelector('#c:not([hidden])');
    await p.fill('#old', PW);
    await p.fill('#new', `${PW}-x`);
    await p.fill('#new2', `${PW}-x`);
    await Promise.all([p.waitForURL((u) => u.pathname === '/report', { timeout: 60_000 }), p.press('#new2', 'Enter')]);
    // 退出: the session ends
    await Promise.all([p.waitForURL((u) => u.pathname === '/login', { timeout: 30_000 }), p.click('#siyu-logout')]);
    await p.goto(`${live.base}/report`);
    assert.equal(new URL(p.url()).pathname, '/login');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('the pages cannot be framed by another site', { skip }, async () => {
  const { ctx, p, errors } = await page();
  try {
    await p.setContent(`<iframe id="f" src="${live.base}/login"></iframe>`);
    await p.waitForTimeout(1500);
    const framed = p.frames().find((f) => f.url().startsWith(live.base));
    const shown = framed ? await framed.locator('#u').count().catch(() => 0) : 0;
    assert.equal(shown, 0, 'the sign-in form does not render inside a frame');
    assert.ok(errors.some((e) => /frame|X-Frame-Options|frame-ancestors/i.test(e)) || !framed, errors.join('\n'));
  } finally {
    await ctx.close();
  }
});

test('/docs (Swagger UI) still works under its CSP', { skip }, async () => {
  const { ctx, p, errors } = await page();
  try {
    await p.goto(`${live.base}/docs/`);
    await p.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
    assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
  } finally {
    await ctx.close();
  }
});
