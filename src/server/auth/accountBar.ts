/**
 * The account bar a signed-in console user sees on the server's HTML pages (the report, until the console exists):
 * their name, 修改密码 Change password (the form on /login) and 退出 Log out. Hidden when printed.
 */
import { safeNext } from '../routes/login.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SCRIPT = `document.getElementById('siyu-logout').addEventListener('click', function () {
  fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }).finally(function () { location.href = '/login'; });
});`;

export function accountBar(html: string, username: string, here: string): string {
  const at = html.lastIndexOf('</body>');
  if (at < 0) return html;
  const bar = `<div id="siyu-account" data-siyu-account style="position:fixed;top:8px;right:8px;z-index:1000;background:#fff;border:1px solid #d9d9d9;border-radius:6px;padding:4px 10px;font:13px system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.08)">
<span>${esc(username)}</span> · <a href="/login?change=1&amp;next=${esc(encodeURIComponent(safeNext(here)))}">修改密码 Change password</a> · <button type="button" id="siyu-logout" style="border:0;background:none;color:#1677ff;cursor:pointer;font:inherit;padding:0">退出 Log out</button>
</div><style>@media print{#siyu-account{display:none}}</style>
<script>${SCRIPT}</script>
`;
  return html.slice(0, at) + bar + html.slice(at);
}
