/**
 * A small brand for the report's tests, written with set-based SQL (deterministic: pseudo-random from hash()).
 * 2,000 customers over Jan 2025 – Oct 2026 with three planted effects:
 * - community lift: customers in a 社群 group (every 3rd) repurchase far more often;
 * - a dormant high-value group: customers 1–150 spent big in 2025 and have not bought since 2026-03;
 * - campaign C1 (win-back, Oct 2026): 600 treatment vs 200 holdout, 30% vs 10% ordering within the campaign.
 */
import type { App } from '../src/app/context.ts';
import { seedConsents, type SeedConsent } from './support/consents.ts';

export const FIXTURE = { customers: 2000, to: '2026-10-31' };

/** `customers` scales the brand (the benchmark uses 1,000,000); the planted shares stay the same. */
export async function seedReportFixture(app: App, customers = FIXTURE.customers): Promise<void> {
  const db = app.warehouse;
  const n = customers;
  const hv = Math.round(n * 0.075);
  const c0 = Math.round(n / 2) + 1;
  const c1 = c0 + Math.round(n * 0.4);
  await db.run(`update workspaces set name = '示例品牌' where id = 1`);
  await db.run(`insert into customers (workspace_id, id, gender, birth_year, province, city, city_tier, acquisition_channel, acquired_at, registered_at, member_tier, owner_staff_code, home_store_code)
    select 1, i, case hash(i, 'g') % 3 when 0 then 'male' when 1 then 'female' else 'female' end,
      1970 + (hash(i, 'b') % 35)::int, '浙江', case hash(i, 'c') % 4 when 0 then '杭州' when 1 then '宁波' when 2 then '温州' else '上海' end,
      case hash(i, 'c') % 4 when 3 then 'tier1' when 0 then 'new_tier1' else 'tier2' end,
      case hash(i, 'a') % 4 when 0 then 'wecom' when 1 then 'mini_program' when 2 then 'pos' else 'ecommerce' end,
      timestamp '2025-01-01' + to_days((hash(i, 'd') % 300)::int), timestamp '2025-01-01' + to_days((hash(i, 'd') % 300)::int),
      case when i <= ${hv} then 'VIP' else '普通' end, 'G' || (i % 5), 'S' || (i % 3)
    from range(1, ${n + 1}) t(i)`);
  await db.run(`insert into staff (workspace_id, code, store_code, role) select 1, 'G' || i, 'S' || (i % 3), 'guide' from range(0, 5) t(i)`);
  await db.run(`insert into stores (workspace_id, code, name, city) select 1, 'S' || i, '门店' || i, '杭州' from range(0, 3) t(i)`);
  await db.run(`insert into community_groups (workspace_id, group_id, name, created_at) values (1, 'grp1', '会员福利群', timestamp '2025-01-01')`);
  await db.run(`insert into group_members (workspace_id, group_id, customer_id, joined_at) select 1, 'grp1', i, timestamp '2025-02-01' from range(1, ${n + 1}) t(i) where i % 3 = 0`);
  // orders: one per customer-month where the customer's monthly propensity fires; group members 3× as likely
  await db.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, store_code, staff_code, status, gross_amount, item_count)
    select 1, 'o' || i || '-' || m, i, ts, ts::date, case hash(i, m, 'ch') % 3 when 0 then 'pos' when 1 then 'mini_program' else 'wecom' end,
      'S' || (i % 3), 'G' || (i % 5), 'paid', (case when i <= ${hv} then 900 else 120 end + hash(i, m, 'amt') % 200)::decimal(18,2), 1
    from (select i, m, timestamp '2025-01-01' + to_months(m) + to_days((hash(i, m, 'day') % 27)::int) + interval 11 hour as ts
          from range(1, ${n + 1}) a(i), range(0, 22) b(m)
          where hash(i, m, 'p') % 100 < case when i <= ${hv} then 40 when i % 3 = 0 then 24 else 8 end)
    where not (i <= ${hv} and ts >= timestamp '2026-03-01') and ts::date >= (timestamp '2025-01-01' + to_days((hash(i, 'd') % 300)::int))::date`);
  await db.run(`insert into campaigns (workspace_id, campaign_id, name, kind, channel, started_at, ended_at) values (1, 'C1', '十月召回', 'winback', 'wecom', timestamp '2026-10-01', timestamp '2026-10-31 23:59:59')`);
  await db.run(`insert into campaign_members (workspace_id, campaign_id, customer_id, arm, assigned_at)
    select 1, 'C1', i, case when i % 4 = 0 then 'holdout' else 'treatment' end, timestamp '2026-10-01' from range(${c0}, ${c1}) t(i)`);
  await db.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, campaign_id, status, gross_amount, item_count)
    select 1, 'c1-' || i, i, timestamp '2026-10-15 10:00:00', date '2026-10-15', 'wecom', case when i % 4 = 0 then null else 'C1' end, 'paid', 150, 1
    from range(${c0}, ${c1}) t(i) where hash(i, 'c1') % 100 < case when i % 4 = 0 then 10 else 30 end`);
  const consents: SeedConsent[] = [];
  for (let i = 1; i <= n; i++) {
    consents.push({ customerId: i, purpose: 'analytics', status: 'granted', changedAt: '2025-01-01', source: 'fixture' });
    if (i % 2 === 0) consents.push({ customerId: i, purpose: 'marketing_wecom', status: 'granted', changedAt: '2025-01-01', source: 'fixture' });
    if (i % 5 === 0) consents.push({ customerId: i, purpose: 'marketing_sms', status: 'granted', changedAt: '2025-01-01', source: 'fixture' });
  }
  await seedConsents(app, consents);
  await db.run(`insert into events (workspace_id, event_id, customer_id, type, occurred_at, event_date, properties)
    select 1, 'e' || i || '-' || m, i, case hash(i, m, 'ev') % 3 when 0 then 'product_view' when 1 then 'content_read' else 'add_to_cart' end,
      timestamp '2025-01-01' + to_months(m) + interval 3 day, (timestamp '2025-01-01' + to_months(m) + interval 3 day)::date, '{}'
    from range(1, ${n + 1}) a(i), range(0, 22) b(m) where hash(i, m, 'e') % 100 < 15`);
  await db.run(`insert into events (workspace_id, event_id, customer_id, type, occurred_at, event_date, properties)
    values (1, 'last', 7, 'page_view', timestamp '2026-10-31 12:00:00', date '2026-10-31', '{}')`);
  // the orders cover October to its last day (the default period is the last month the orders cover)
  await db.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, store_code, staff_code, status, gross_amount, item_count)
    values (1, 'last', 1999, timestamp '2026-10-31 12:00:00', date '2026-10-31', 'pos', 'S1', 'G2', 'paid', 120, 1)`);
}
