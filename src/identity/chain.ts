import type { App } from '../app/context.ts';

/**
 * A customer and every customer it was merged into since, in order (合并链): the last is the customer that stands
 * for it now. A chain that loops (which merges never make) stops at the first repeat.
 */
export async function mergeChain(app: App, id: number): Promise<number[]> {
  const chain = [id];
  for (;;) {
    const r = await app.warehouse.get<{ merged_into: number | null }>(`select merged_into from customers where workspace_id = $ws and id = $c`, { ws: app.workspaceId, c: chain[chain.length - 1] });
    if (!r?.merged_into || chain.includes(r.merged_into)) return chain;
    chain.push(r.merged_into);
  }
}

/** The customer a customer id stands for now: itself, or the end of its merge chain. */
export async function activeOf(app: App, id: number): Promise<number> {
  return (await mergeChain(app, id)).at(-1)!;
}
