/**
 * A child for the crash matrix: creates users, API keys and collection sources one after another on the store
 * SIYU_DATA_DIR names, printing one JSON line per creation once it has returned (acknowledged), until it is killed.
 */
import { openApp } from '../../src/app/context.ts';
import { createUser } from '../../src/server/auth/users.ts';
import { createApiKey } from '../../src/server/auth/apiKeys.ts';
import { createSource } from '../../src/collect/sources.ts';

const app = await openApp({ actor: 'crash-writer', notice: () => undefined });
for (let i = 0; ; i++) {
  const password = `Crash-Writer-${i}-Lantern-Quay`;
  await createUser(app, { username: `u${i}`, role: 'analyst', password });
  process.stdout.write(`${JSON.stringify({ user: `u${i}`, password })}\n`);
  const k = await createApiKey(app, { name: `k${i}`, role: 'analyst' });
  process.stdout.write(`${JSON.stringify({ key: k.key })}\n`);
  const s = await createSource(app, `s${i}`);
  process.stdout.write(`${JSON.stringify({ source: `s${i}`, write_key: s.write_key })}\n`);
}
