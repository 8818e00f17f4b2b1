import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * The names the brand gave its staff and stores (导购与门店名称), for the guide leaderboard: the staff table's name
 * as stored — masked (e.g. 王*), since a kept report is at rest and PII never is in clear there — and the store's name.
 */
export interface StaffName {
  code: string;
  name: string | null;
  store: string | null;
}

const SQL = {
  duckdb: `select s.code, s.name_masked as name, coalesce(st.name, s.store_code) as store
    from staff s left join stores st on st.workspace_id = s.workspace_id and st.code = s.store_code
    where s.workspace_id = $ws`,
};

export async function staffNames(w: Warehouse, ws: number): Promise<Map<string, StaffName>> {
  const rows = await w.all<{ code: string; name: string | null; store: string | null }>(sqlFor(w.dialect, SQL, 'staffNames'), { ws });
  return new Map(rows.map((r) => [String(r.code), { code: String(r.code), name: r.name?.trim() || null, store: r.store ?? null }]));
}

/**
 * Leaderboard labels: "王*（上海中心店）"; the code only for staff without a name ("G0003（S1）"); a code added where two
 * shown labels would read the same ("王*·G0017（上海中心店）"), so no two guides look alike.
 */
export function staffLabels(rows: { staff_code: string; store_code: string | null }[], names: Map<string, StaffName>, lang: 'zh' | 'en'): string[] {
  const base = rows.map((r) => {
    const n = names.get(r.staff_code);
    return { who: n?.name ?? r.staff_code, code: r.staff_code, named: !!n?.name, store: n?.store ?? r.store_code ?? '—' };
  });
  const seen = new Map<string, number>();
  for (const b of base) seen.set(`${b.who}|${b.store}`, (seen.get(`${b.who}|${b.store}`) ?? 0) + 1);
  return base.map((b) => {
    const who = b.named && (seen.get(`${b.who}|${b.store}`) ?? 0) > 1 ? `${b.who}·${b.code}` : b.who;
    return lang === 'zh' ? `${who}（${b.store}）` : `${who} (${b.store})`;
  });
}
