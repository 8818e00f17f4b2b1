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
