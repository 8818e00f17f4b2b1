import type { Warehouse } from '../../store/interfaces.ts';
import { regionRows } from './regions.ts';

/**
 * Coercions of real-world export values, as DuckDB macros so a whole file is coerced in one set-based pass.
 * Each returns NULL for a value it cannot read; the validator turns "present but NULL after coercion" into a
 * rejection naming the column.
 */
const MACROS = [
  // ="123" (Taobao), leading ' (Shopify), blanks and placeholder dashes → NULL. Most values need none of it: only
  // those whose first or last character could be cleaned go through the full expression (a tenth of the cost).
  `create or replace temp macro siyu_clean_all(s) as nullif(nullif(nullif(nullif(trim(ltrim(case when starts_with(trim(s), '="') and ends_with(trim(s), '"') then trim(s)[3:-2] else trim(s) end, '''')), ''), '——'), '--'), '-')`,
  `create or replace temp macro siyu_clean(s) as case
     when ascii(s) in (9, 10, 11, 12, 13, 32, 39, 45, 61, 160, 8212, 12288) or ascii(s[-1]) in (9, 10, 11, 12, 13, 32, 160, 12288) or s = '' then siyu_clean_all(s)
     else s end`,
  // Plain numbers cast directly; only the others have currency signs, separators and units removed.
  // A sum written in 万 (ten thousands: 1.2万, ¥3.5万元) is the number before it × 10,000.
  `create or replace temp macro siyu_amount(s) as coalesce(try_cast(s as decimal(18,2)), try_cast(regexp_replace(s, '[¥￥,，元\\s]|RMB|CNY', '', 'g') as decimal(18,2)),
     case when regexp_matches(s, '万元?$') then try_cast(try_cast(regexp_replace(s, '[¥￥,，元万\\s]|RMB|CNY', '', 'g') as decimal(18,4)) * 10000 as decimal(18,2)) end)`,
  `create or replace temp macro siyu_int_all(s) as (case when try_cast(regexp_replace(s, '[,\\s件个]', '', 'g') as double) = floor(try_cast(regexp_replace(s, '[,\\s件个]', '', 'g') as double)) then try_cast(try_cast(regexp_replace(s, '[,\\s件个]', '', 'g') as double) as bigint) end)`,
  `create or replace temp macro siyu_int(s) as case when try_cast(s as double) = try_cast(s as bigint) then try_cast(s as bigint) else siyu_int_all(s) end`,
  // The text of a date/time as Chinese exports and spreadsheets write it, in the separators strptime reads: 年月日 and
  // / as -, 2024.3.5 as 2024-3-5, 时分秒 as :, the 上午/下午 mark dropped (siyu_ampm applies it), blanks collapsed.
  `create or replace temp macro siyu_ts_text(s) as rtrim(trim(regexp_replace(regexp_replace(regexp_replace(
     replace(replace(replace(replace(replace(replace(replace(s, '年', '-'), '月', '-'), '日', ' '), '/', '-'), '时', ':'), '分', ':'), '秒', ''),
     '上午|下午|晚上|凌晨|早上|中午', ' ', 'g'), '^([0-9]{4})[.]([0-9]{1,2})[.]([0-9]{1,2})', '\\1-\\2-\\3'), '\\s+', ' ', 'g')), ':')`,
  // A 12-hour time with its zh-CN mark (Excel writes 下午2:03 and 上午12:00 for midnight).
  `create or replace temp macro siyu_ampm(s, ts) as case
     when ts is null then null
     when hour(ts) < 12 and regexp_matches(s, '下午|晚上') then ts + interval 12 hour
     when hour(ts) < 6 and contains(s, '中午') then ts + interval 12 hour
     when hour(ts) = 12 and regexp_matches(s, '上午|凌晨') then ts - interval 12 hour
     else ts end`,
  // 2024年3月5日, 2024/3/5 14:03, 2024.3.5, 14时03分, 下午2:03, 2024-03-05T14:03:00, 20240305, Excel serial days; naive
  // local time. The common ISO form is tried alone first.
  `create or replace temp macro siyu_local_ts(s) as coalesce(
     try_strptime(s, '%Y-%m-%d %H:%M:%S'),
     siyu_ampm(s, try_strptime(siyu_ts_text(s),
       ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d %H:%M:%S.%f', '%Y%m%d', '%Y%m%d%H%M%S', '%Y-%m-%dT%H:%M'])),
     case when regexp_full_match(s, '[0-9]{5}(\\.[0-9]+)?') and try_cast(s as double) between 20000 and 80000
          then timestamp '1899-12-30' + to_microseconds(round(try_cast(s as double) * 86400000000)::bigint) end)`,
  // Whether a time value may carry its own offset (…+0800, …+08:00, …Z, and …+08 as PostgreSQL and DuckDB write it;
  // a date alone, 2024-03-05, has no ':').
  `create or replace temp macro siyu_has_offset(s) as ends_with(s, 'Z') or s[-5] in ('+', '-') or s[-6] in ('+', '-') or (s[-3] in ('+', '-') and contains(s, ':'))`,
  // An instant: with an offset as written, else lts (the value read as local time) in zone tz
  `create or replace temp macro siyu_instant(s, lts, tz) as case
     when not siyu_has_offset(s) then timezone(tz, lts)
     when regexp_matches(s, '[0-9]:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?\\s*([+-][0-9]{2}(:?[0-9]{2})?|Z)$')
       then try_strptime(regexp_replace(regexp_replace(regexp_replace(s, 'Z$', '+0000'), '([+-][0-9]{2})$', '\\100'), '\\s+([+-])', '\\1'),
         ['%Y-%m-%d %H:%M:%S%z', '%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S.%f%z', '%Y/%m/%d %H:%M:%S%z', '%Y-%m-%d %H:%M%z'])
     else timezone(tz, lts) end`,
  `create or replace temp macro siyu_utc(s, lts, tz) as timezone('UTC', siyu_instant(s, lts, tz))`,
  // The local day of a value already read as utc (siyu_utc): one written without an offset was written in local
  // time, so it is the day as written (lts), cheaper than the two time-zone conversions back from UTC.
  `create or replace temp macro siyu_local_day(s, lts, utc, tz) as case
     when utc is null then null when siyu_has_offset(s) then cast(timezone(tz, timezone('UTC', utc)) as date) else cast(lts as date) end`,
  `create or replace temp macro siyu_gender(s) as case
     when lower(s) in ('男', 'm', 'male', '先生', '男性', '男士', '1', 'man') then 'male'
     when lower(s) in ('女', 'f', 'female', '女士', '女性', '小姐', '2', 'woman') then 'female'
     when lower(s) in ('未知', '其他', '保密', '未设置', '未填写', '不详', 'unknown', 'u', '0', 'other', 'x') then 'unknown' end`,
  `create or replace temp macro siyu_bool(s) as case
     when lower(s) in ('是', 'yes', 'y', 'true', 't', '1', '√', '同意', 'subscribed') then true
     when lower(s) in ('否', 'no', 'n', 'false', 'f', '0', '×', '拒绝', 'unsubscribed', 'not_subscribed') then false end`,
  // An order's status in the words exports use (有赞, 淘宝, Shopify, POS bills) → paid / completed / refunded /
  // partially_refunded / cancelled / pending; NULL for a status it does not know (kept as written, and listed by
  // the quality report, because the insight suite counts every order not cancelled as revenue).
  `create or replace temp macro siyu_order_status(s) as case
     when lower(trim(s)) in ('completed', 'complete', 'success', 'succeeded', 'fulfilled', '交易成功', '交易完成', '已完成', '完成', '已签收', '已收货', '确认收货', '销售') then 'completed'
     when lower(trim(s)) in ('paid', 'partially_paid', 'authorized', '已付款', '已支付', '待发货', '已发货', '部分发货', '待收货', '买家已付款') then 'paid'
     when lower(trim(s)) in ('refunded', '已退款', '退款成功', '全额退款', '已退货', '退货') then 'refunded'
     when lower(trim(s)) in ('partially_refunded', 'partial_refund', '部分退款', '部分退款成功') then 'partially_refunded'
     when lower(trim(s)) in ('cancelled', 'canceled', 'voided', 'void', 'expired', '已取消', '取消', '交易关闭', '已关闭', '作废', '已作废') then 'cancelled'
     when lower(trim(s)) in ('pending', 'unpaid', '待付款', '未付款', '等待买家付款', '挂单') then 'pending' end`,
  `create or replace temp macro siyu_consent(s) as case
     when lower(s) in ('granted', '是', 'yes', 'y', 'true', '1', '同意', '已同意', 'subscribed', 'opt_in', 'opt-in') then 'granted'
     when lower(s) in ('withdrawn', '否', 'no', 'n', 'false', '0', '撤回', '已撤回', '拒绝', 'unsubscribed', 'opt_out', 'opt-out', 'revoked') then 'withdrawn' end`,
  `create or replace temp macro siyu_region_key(s) as regexp_replace(regexp_replace(lower(trim(s)), '\\s+', '', 'g'), '(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市|shi|sheng|city|province)$', '')`,
];

/** Creates the macros and the region alias table on this connection (idempotent). */
export async function installCoercions(db: Warehouse): Promise<void> {
  for (const m of MACROS) await db.run(m);
  const have = await db.scalar(`select count(*) from duckdb_tables() where table_name = 'siyu_regions' and temporary`);
  if (have) return;
  await db.run(`create temp table siyu_regions (key varchar, kind varchar, name varchar, province varchar, tier varchar)`);
  const a = await db.appender('siyu_regions');
  for (const r of regionRows()) {
    a.appendVarchar(r.key);
    a.appendVarchar(r.kind);
    a.appendVarchar(r.name);
    a.appendVarchar(r.province);
    if (r.tier === null) a.appendNull();
    else a.appendVarchar(r.tier);
    a.endRow();
  }
  a.closeSync();
}
