import type { FastifyInstance } from 'fastify';

/**
 * The sign-in page (登录) a browser is sent to when it asks for a page (/, /report …) without a session. It posts to
 * /api/v1/auth/login, which sets the HttpOnly session cookie, then goes back to where the person was headed.
 */
export async function loginRoutes(server: FastifyInstance): Promise<void> {
  server.get('/login', {
    config: { public: true },
    schema: { summary: 'Sign-in page for the console and the report', tags: ['auth'], hide: true },
  }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  const s = typeof next === 'string' ? next : '/';
  return s.startsWith('/') && !s.startsWith('//') ? s : '/';
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
#err{color:#cf1322;font-size:13px;min-height:18px;margin-top:12px}
</style></head><body>
<form id="f"><h1>Siyu 私域 · 登录 Sign in</h1>
<label for="u">用户名 User name</label><input id="u" name="username" autocomplete="username" required>
<label for="p">密码 Password</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 Sign in</button><div id="err" role="alert"></div></form>
<script>
document.getElementById('f').addEventListener('submit', async function (e) {
  e.preventDefault();
  var err = document.getElementById('err'); err.textContent = '';
  var r = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: document.getElementById('u').value, password: document.getElementById('p').value }) });
  if (!r.ok) { var b = await r.json().catch(function () { return {}; }); err.textContent = (b.message_zh || '登录失败') + ' / ' + (b.message || 'Sign-in failed'); return; }
  var next = new URLSearchParams(location.search).get('next') || '/';
  location.href = next.charAt(0) === '/' && next.charAt(1) !== '/' ? next : '/';
});
</script></body></html>`;
