import type { Mapping } from '../mapping.ts';
import { youzanOrders, youzanOrderLines, youzanCustomers } from './youzan.ts';
import { shopifyOrders, shopifyCustomers } from './shopify.ts';
import { wecomContacts, taobaoOrders } from './wecomTaobao.ts';
import { posOrders } from './pos.ts';

/** Mapping presets for common exports, by name (`siyu import … --map <name>`). Headers from shared/formats/EXPORTS.md. */
export const PRESETS: Record<string, Mapping> = {
  'youzan-orders': youzanOrders,
  'youzan-order-lines': youzanOrderLines,
  'youzan-customers': youzanCustomers,
  'shopify-orders': shopifyOrders,
  'shopify-customers': shopifyCustomers,
  'wecom-contacts': wecomContacts,
  'taobao-orders': taobaoOrders,
  'pos-orders': posOrders,
};

/**
 * The preset whose mapped headers a file's headers match best — at least three of them, and more than any other
 * preset's — for a hint when a file and the mapping it was given do not fit (a customers export with --map
 * youzan-orders).
 */
export function presetMatching(headers: string[]): { name: string; entity: string } | null {
  const have = new Set(headers.map((h) => h.trim().toLowerCase()));
  let best: { name: string; entity: string; n: number } | null = null;
  let tie = false;
  for (const [name, m] of Object.entries(PRESETS)) {
    const mapped = new Set(Object.values(m.columns).flat().map((h) => h.trim().toLowerCase()));
    const n = [...mapped].filter((h) => have.has(h)).length;
    if (n < 3 || (best && n < best.n)) continue;
    tie = Boolean(best && n === best.n);
    if (!best || n > best.n) best = { name, entity: m.entity ?? '', n };
  }
  return best && !tie ? { name: best.name, entity: best.entity } : null;
}
