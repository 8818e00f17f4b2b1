import type { FastifyInstance } from 'fastify';

/**
 * The sign-in page (登录) a browser is sent to when it asks for a page (/, /report …) without a session. It posts to
 * /api/v1/auth/login, which sets the HttpOnly session cookie, then goes back to where the person was headed — when
 * that is a path of this site. A session still on a one-time password gets the change-password form here
 * (`/login?change=1`, also linked from every page's account bar), which posts to /api/v1/auth/password.
 */
export async function loginRoutes(server: FastifyInstance): Promise<void> {
  server.get('/login', {
    config: { public: true },
    schema: { summary: 'Sign-in and change-password page for the console and the report', tags: ['auth'], hide: true },
  }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}

/**
 * Is `s` a path of this site? It starts with one `/` and holds no backslash or control character: browsers read
 * `/\host`, `\\host` and `/<tab>/host` as another host, and `javascript:` or `https://…` do not start with `/`.
 * The same function, as JavaScript, runs in the sign-in page (SAME_SITE_JS).
 */
export const SAME_SITE_JS = `function sameSitePath(s) {
  if (typeof s !== 'string' || s.length === 0 || s.length > 2048) return false;
  if (s.charAt(0) !== '/' || s.charAt(1) === '/' || s.charAt(1) === '\\\\') return false;
  if (/[\\\\\\u0000-\\u001f\\u007f]/.test(s)) return false;
  try { return new URL(s, 'http://same.invalid').origin === 'http://same.invalid'; } catch (e) { return false; }
}`;

const sameSitePath = new Function(`${SAME_SITE_JS}; return sameSitePath;`)() as (s: unknown) => boolean;

/** Only same-site paths are followed after sign-in (no open redirect); anything else is `/`. */
export function safeNext(next: unknown): string {
  return sameSitePath(next) ? (next as string) : '/';
}

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · Siyu 私域</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f5f7fa;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
form{background:#fff;padding:32px;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.08);width:320px}
h1{font-size:20px;margin:0 0 20px}label{display:block;font-size:13px;color:#555;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #d9d9d9;border-radius:4px;font-size:14px}
button{margin-top:20px;width:100%;padding:10px;background:#1677ff;color:#fff;border:0;border-radius:4px;font-size:15px;cursor:pointer}
button.link{background:none;color:#1677ff;margin-top:10px;padding:4px;font-size:13px}
p.hint{font-size:13px;color:#555;margin:0 0 8px}
.err{color:#cf1322;font-size:13px;min-height:18px;margin-top:12px}
[hidden]{display:none!important}
</style></head><body>
<form id="f"><h1>Siyu 私域 · 登录 Sign in</h1>
<label for="u">用户名 User name</label><input id="u" name="username" autocomplete="username" required>
<label for="p">密码 Password</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 Sign in</button>
<button type="button" class="link" id="to-change">修改密码 Change password</button>
<div id="err" class="err" role="alert"></div></form>
<form id="c" hidden><h1>修改密码 Change password</h1>
<p class="hint" id="c-hint">首次登录请设置新密码 / Set a new password to continue.</p>
<label for="old">当前密码 Current password</label><input id="old" name="old_password" type="password" autocomplete="current-password" required>
<label for="new">新密码 New password</label><input id="new" name="new_password" type="password" autocomplete="new-password" minlength="10" required>
<label for="new2">再次输入新密码 Repeat new password</label><input id="new2" name="new_password_again" type="password" autocomplete="new-password" minlength="10" required>
<button type="submit">保存并继续 Save and continue</button>
<button type="button" class="link" id="logout">退出 Log out</button>
<div id="c-err" class="err" role="alert"></div></form>
<script>
${SAME_SITE_JS}
function nextPath() {
  var next = new URLSearchParams(location.search).get('next') || '/';
  return sameSitePath(next) ? next : '/';
}
function show(id) {
  document.getElementById('f').hidden = id !== 'f';
  document.getElementById('c').hidden = id !== 'c';
}
function message(b, zh, en) { return (b.message_zh || zh) + ' / ' + (b.message || en); }
async function post(url, body) {
  var r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  var b = await r.json().catch(function () { return {}; });
  return { ok: r.ok, status: r.status, body: b };
}
var changing = new URLSearchParams(location.search).get('change') === '1';
if (changing) show('c');
document.getElementById('to-change').addEventListener('click', function () { changing = true; show('c'); });
document.getElementById('f').addEventListener('submit', async function (e) {
  e.preventDefault();
  var err = document.getElementById('err'); err.textContent = '';
  var password = document.getElementById('p').value;
  var r = await post('/api/v1/auth/login', { username: document.getElementById('u').value, password: password });
  if (!r.ok) { err.textContent = message(r.body, '登录失败', 'Sign-in failed'); return; }
  if (r.body.must_change_password || changing) { document.getElementById('old').value = password; show('c'); document.getElementById('new').focus(); return; }
  location.href = nextPath();
});
document.getElementById('c').addEventListener('submit', async function (e) {
  e.preventDefault();
  var err = document.getElementById('c-err'); err.textContent = '';
  var a = document.getElementById('new').value, b = document.getElementById('new2').value;
  if (a !== b) { err.textContent = '两次输入的新密码不一致 / The new passwords differ'; return; }
  var r = await post('/api/v1/auth/password', { old_password: document.getElementById('old').value, new_password: a });
  if (r.status === 401 && r.body.error === 'unauthorized') { changing = true; show('f'); document.getElementById('err').textContent = '请先登录 / Sign in first'; return; }
  if (!r.ok) { err.textContent = message(r.body, '修改失败', 'Could not change the password'); return; }
  location.href = nextPath();
});
document.getElementById('logout').addEventListener('click', async function () {
  await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(function () {});
  location.href = '/login';
});
</script></body></html>`;
