/**
 * The minimum password strength (密码强度): at least 10 characters, and a zxcvbn estimate (zxcvbn-ts with its
 * common-password and keyboard-pattern dictionaries) of at least MIN_SCORE — so "password12" and "qwertyuiop1" are
 * refused while a random one-time password passes. The dictionaries (~2 MB) load on first use, not at start.
 */
import { UserError } from '../../errors.ts';

/** zxcvbn's 0–4 scale: 3 = "safely unguessable: moderate protection from an offline slow-hash scenario". */
export const MIN_SCORE = 3;
export const MIN_LENGTH = 10;

type Checker = { check(pw: string, inputs?: string[]): { score: number; feedback: { warning: string | null } } };
let checker: Promise<Checker> | null = null;

function load(): Promise<Checker> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }) as unknown as Checker;
  })();
  return checker;
}

/** Why the password is too weak, in English; null when it is strong enough. `context`: the user name and the like. */
export async function passwordProblem(pw: string, context: string[] = []): Promise<string | null> {
  if (pw.length < MIN_LENGTH) return `at least ${MIN_LENGTH} characters`;
  const r = (await load()).check(pw.slice(0, 100), ['siyu', '私域', ...context]);
  if (r.score < MIN_SCORE) return `to be harder to guess (strength ${r.score} of 4, at least ${MIN_SCORE}${r.feedback.warning ? `: ${r.feedback.warning}` : ''})`;
  return null;
}

export async function assertStrongPassword(pw: string, context: string[] = []): Promise<void> {
  const p = await passwordProblem(pw, context);
  if (p) {
    throw new UserError('weak_password', `The password needs ${p}.`, `密码强度不足：至少 ${MIN_LENGTH} 位，且不能是常见密码、键盘序列或与用户名相近的词（强度至少 ${MIN_SCORE}/4）。`);
  }
}
