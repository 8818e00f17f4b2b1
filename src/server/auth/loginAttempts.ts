/**
 * Login throttling (登录限速), kept in the state store's `login_attempts` so that parallel requests and restarts
 * see the same count. Every password check first *takes* an attempt — one atomic upsert per subject that counts it
 * as a failure in advance, and refuses when the subject is locked — so at most `after` checks run before a lock,
 * however many requests arrive at once; a right password then gives the attempt back.
 *
 * Two subjects per attempt: the user name (known or not, so the lock does not tell which names exist) and the
 * client address (an IPv6 address by its /64). The numbers are LOGIN_LIMITS; docs/permissions.md states them.
 */
import type { App } from '../../app/context.ts';
import { UserError } from '../../errors.ts';

type State = Pick<App, 'state'>;

export interface Limit {
  /** Failures that lock the subject. */
  after: number;
  /** The first lock; each further failure after a lock doubles it, up to maxLockMs. */
  firstLockMs: number;
  maxLockMs: number;
  /** A streak is forgotten this long after its last lock ended (or after its first failure, if it never locked). */
  forgetMs: number;
}

export const LOGIN_LIMITS: Record<'user' | 'ip', Limit> = {
  user: { after: 5, firstLockMs: 60_000, maxLockMs: 3_600_000, forgetMs: 24 * 3_600_000 },
  ip: { after: 20, firstLockMs: 60_000, maxLockMs: 3_600_000, forgetMs: 3_600_000 },
};

type Kind = keyof typeof LOGIN_LIMITS;

/** The lock a streak of `n` failures earns, as SQL (`n` an SQL expression): none below `after`, then doubling. */
function lockSql(n: string, l: Limit): string {
  const steps: string[] = [`when ${n} < ${l.after} then null`];
  for (let i = 0, ms = l.firstLockMs; ms < l.maxLockMs; i++, ms *= 2) steps.push(`when ${n} = ${l.after + i} then cast($now as bigint) + ${ms}`);
  return `case ${steps.join(' ')} else cast($now as bigint) + ${l.maxLockMs} end`;
}

function takeSql(l: Limit): string {
  const forgotten = `coalesce(login_attempts.locked_until, login_attempts.first_failed_at) + ${l.forgetMs} <= cast($now as bigint)`;
  const n = `(case when ${forgotten} then 1 else login_attempts.failures + 1 end)`;
  return `insert into login_attempts (kind, subject, failures, first_failed_at, locked_until)
    values ($kind, $subject, 1, cast($now as bigint), ${lockSql('1', l)})
    on conflict (kind, subject) do update set
      failures = ${n},
      first_failed_at = case when ${forgotten} then cast($now as bigint) else login_attempts.first_failed_at end,
      locked_until = ${lockSql(n, l)}
    where login_attempts.locked_until is null or login_attempts.locked_until <= cast($now as bigint)
    returning failures`;
}

/** IPv6 clients are counted by their /64 (one host can have many addresses in it); IPv4 as they are. */
export function clientSubject(ip: string | undefined): string {
  const a = (ip ?? 'unknown').toLowerCase();
  if (!a.includes(':') || a.startsWith('::ffff:')) return a.replace(/^::ffff:/, '');
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Takes one attempt for the user name and the client, atomically (both or neither); throws 429 `login_locked`
 * with the seconds to wait when either is locked.
 */
export async function takeAttempt(app: State, username: string, ip: string | undefined, now = Date.now()): Promise<void> {
  const subjects: [Kind, string][] = [['user', username], ['ip', clientSubject(ip)]];
  const taken = await app.state.transaction(async () => {
    for (const [kind, subject] of subjects) {
      const row = await app.state.get(takeSql(LOGIN_LIMITS[kind]), { kind, subject, now });
      if (!row) throw new Locked();
    }
    return true;
  }).catch((e) => {
    if (e instanceof Locked) return false;
    throw e;
  });
  if (taken) return;
  const until = await app.state.scalar(
    `select max(locked_until) from login_attempts where (kind = 'user' and subject = $u) or (kind = 'ip' and subject = $ip)`,
    { u: username, ip: clientSubject(ip) },
  );
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  const e = new UserError('login_locked', `Too many failed logins; try again in ${waitText(seconds)}.`, `登录失败次数过多，请 ${waitTextZh(seconds)}后再试。`, 429);
  (e as UserError & { retryAfter?: number }).retryAfter = seconds;
  throw e;
}

class Locked extends Error {}

/** A right password: the user name's streak ends; the client's attempt is given back (its other failures stay). */
export async function attemptSucceeded(app: State, username: string, ip: string | undefined): Promise<void> {
  await app.state.transaction(async () => {
    await app.state.run(`delete from login_attempts where kind = 'user' and subject = $u`, { u: username });
    await app.state.run(
      `update login_attempts set failures = failures - 1, locked_until = case when failures - 1 >= ${LOGIN_LIMITS.ip.after} then locked_until else null end
        where kind = 'ip' and subject = $ip and failures > 0`,
      { ip: clientSubject(ip) },
    );
  });
}

/** An administrator set a new password: the name's lock is lifted. */
export async function clearUserAttempts(app: State, username: string): Promise<void> {
  await app.state.run(`delete from login_attempts where kind = 'user' and subject = $u`, { u: username });
}

/** Rows of streaks long forgotten (names that never existed, addresses long gone). */
export async function forgetOldAttempts(app: State, now = Date.now()): Promise<number> {
  const longest = Math.max(LOGIN_LIMITS.user.forgetMs, LOGIN_LIMITS.ip.forgetMs);
  return app.state.run(`delete from login_attempts where coalesce(locked_until, first_failed_at) + ${longest} <= $now`, { now });
}

function waitText(s: number): string {
  return s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`;
}
function waitTextZh(s: number): string {
  return s < 90 ? `${s} 秒` : `${Math.ceil(s / 60)} 分钟`;
}
