/**
 * An error a user can cause (bad input, missing file, store busy). It carries a stable code and a message in
 * zh-CN and English; the CLI prints it on one line and exits 1, the API answers 4xx. Anything else is a bug.
 */
export class UserError extends Error {
  readonly code: string;
  readonly zh: string;
  readonly status: number;
  constructor(code: string, en: string, zh: string, status = 400) {
    super(en);
    this.name = 'UserError';
    this.code = code;
    this.zh = zh;
    this.status = status;
  }
  toJSON() {
    return { error: this.code, message: this.message, message_zh: this.zh };
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** How the CLI shows a user error: one line in English, one in 中文. */
export function formatUserError(e: UserError): string {
  return `error: ${e.message}\n错误：${e.zh}`;
}
