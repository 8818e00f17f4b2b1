/** Where a command writes. The CLI writes to the terminal; a command forwarded to the server writes into buffers. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** True when a person watches (progress bars, colour); false for pipes and forwarded commands. */
  interactive: boolean;
}

export const terminal: Output = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

export function bufferOutput(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout, stderr, interactive: false,
    out: (t) => stdout.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => stderr.push(t.endsWith('\n') ? t : `${t}\n`),
  };
}

/** Prints a result: JSON under --json, else the human text. */
export function emit(o: Output, json: boolean | undefined, value: unknown, human: () => string): void {
  o.out(json ? JSON.stringify(value, null, 2) : human());
}
