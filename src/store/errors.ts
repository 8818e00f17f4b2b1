/** Engine errors the rest of the code must tell apart, recognised here so no caller parses an engine's messages. */

/** The warehouse ran out of its buffer pool (a statement that could not spill, or a cap too small for the reader). */
export function isOutOfMemory(e: unknown): boolean {
  return /Out of Memory/i.test(String((e as Error)?.message ?? e));
}

/** An insert that repeats a primary or unique key, in any engine. */
export function isDuplicateKey(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  const m = String(err?.message ?? e);
  return (/constraint/i.test(m) && /duplicate key|primary key|unique/i.test(m)) || /UNIQUE constraint failed/i.test(m);
}
