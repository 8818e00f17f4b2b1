/** `in (…)` for a list of values in portable state SQL: one named parameter per value (an empty list matches nothing). */
export function inList(name: string, values: readonly (string | number)[]): { sql: string; params: Record<string, string | number> } {
  if (!values.length) return { sql: '(null)', params: {} };
  const params: Record<string, string | number> = {};
  const names = values.map((v, i) => {
    params[`${name}_${i}`] = v;
    return `$${name}_${i}`;
  });
  return { sql: `(${names.join(', ')})`, params };
}
