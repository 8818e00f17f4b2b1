import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { anonymousOrAnalysed } from '../scope.ts';

/**
 * Content performance (内容效果) per content item (events.properties.content_id): reads, readers, likes, shares in
 * the window; attributed orders = readers' orders (not cancelled) within $attr_days days after their first read of
 * it, with their GMV. Events of customers analytics may not look at are left out (src/insight/scope.ts).
 */
const SQL = {
  duckdb: `with e as (
      select (e.properties->>'content_id') as content_id, e.customer_id, e.type, e.occurred_at from events e
      where e.workspace_id = $ws and e.event_date between $from::date and $to::date and ${anonymousOrAnalysed('e.customer_id')}
        and e.type in ('content_read', 'content_like', 'content_share') and (e.properties->>'content_id') is not null
    ),
    r as (select content_id, customer_id, min(occurred_at) as at from e where type = 'content_read' and customer_id is not null group by all),
    a as (
      select r.content_id, count(distinct o.order_id) as orders, coalesce(sum(o.gross_amount), 0) as gmv
      from r join orders o on o.workspace_id = $ws and o.customer_id = r.customer_id and o.status <> 'cancelled'
        and o.ordered_at >= r.at and o.ordered_at < r.at + to_days($attr_days::integer)
      group by r.content_id
    ),
    s as (
      select content_id, count(*) filter (where type = 'content_read') as reads, count(distinct customer_id) filter (where type = 'content_read') as readers,
        count(*) filter (where type = 'content_like') as likes, count(*) filter (where type = 'content_share') as shares
      from e group by content_id
    )
    select s.*, ci.title, ci.kind, coalesce(a.orders, 0) as orders, coalesce(a.gmv, 0) as gmv
    from s left join a using (content_id) left join content_items ci on ci.workspace_id = $ws and ci.content_id = s.content_id
    order by reads desc, s.content_id limit $limit::integer`,
};

export async function contentPerformance(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, SQL, 'contentPerformance', p)).map((r) => {
    const reads = Number(r.reads);
    return {
      content_id: String(r.content_id), title: (r.title as string) ?? null, kind: (r.kind as string) ?? null,
      reads, readers: Number(r.readers), likes: Number(r.likes), shares: Number(r.shares),
      like_rate: reads ? Number(r.likes) / reads : null, share_rate: reads ? Number(r.shares) / reads : null,
      attributed_orders: Number(r.orders), attributed_gmv: Number(r.gmv),
    };
  });
}
