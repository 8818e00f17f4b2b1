import { UserError } from '../../errors.ts';

/** `--customer 42` → 42, or a user error in both languages. */
export function customerIdArg(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UserError('bad_customer', `--customer must be a customer id, not '${v}'.`, `--customer 必须是客户编号，而不是 '${v}'。`);
  return n;
}
