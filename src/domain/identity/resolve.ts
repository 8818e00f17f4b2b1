import { UnionFind } from './unionFind.ts';
import type { MergeRules } from './rules.ts';
import { rankOf } from './rules.ts';
import type { IdType } from '../privacy/normalize.ts';

/**
 * Identity resolution (身份识别/ID-Mapping) as pure computation over dense node numbers. The caller numbers the
 * identifiers (keyed hashes, never plaintext) 0..n-1 and says which customer already holds each; records are the
 * sets of identifiers seen together on one row. Existing customers stay whole; records link their identifiers in
 * rule priority order; links that would give one person two values of a unique type become conflicts.
 */
export interface IdentityGraph {
  /** Type of each node. */
  types: IdType[];
  /** Customer id already holding each node, or 0 for an identifier never seen. */
  existing: number[];
  /** Records with two or more identifiers: node lists. Records of one identifier add nothing and can be left out. */
  records: number[][];
  /** Pairs of existing customers a person has separated (unmerge): never joined again, a link between them is a conflict. */
  separated?: [number, number][];
}

export interface Merge {
  survivor: number;
  merged: number;
  /** The identifier type whose link joined them. */
  rule: IdType;
  /** The node that carried the link. */
  via: number;
}

export interface Conflict {
  rule: IdType;
  /** The unique type that would have been held twice, or 'separated' when an unmerge forbids the link. */
  uniqueType: IdType | 'separated';
  /**
   * The two nodes the record tried to join; `a` is the identifier both people claim — the one that already belongs
   * to someone when the other is seen alone (the unionid seen with a second phone), else the record's anchor.
   */
  a: number;
  b: number;
}

export interface Resolution {
  /** Per node: its customer; an existing id (> 0) or a new customer numbered -1, -2, … */
  customerOf: Int32Array | Float64Array;
  newCustomers: number;
  merges: Merge[];
  conflicts: Conflict[];
}

export function resolveIdentities(g: IdentityGraph, rules: MergeRules): Resolution {
  const n = g.types.length;
  const uf = new UnionFind(n);
  const ranks = g.types.map((t) => rankOf(rules, t));
  const uniqueSlots = rules.unique.map((t) => {
    const slot = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) if (g.types[i] === t) slot[i] = i;
    return slot;
  });
  const minCustomer = new Float64Array(n);
  for (let i = 0; i < n; i++) minCustomer[i] = g.existing[i] || 0;

  // Customers someone separated: per component, the ones it holds (only those in a separated pair are tracked).
  const apart = new Map<number, Set<number>>();
  for (const [x, y] of g.separated ?? []) {
    if (!apart.has(x)) apart.set(x, new Set());
    if (!apart.has(y)) apart.set(y, new Set());
    apart.get(x)!.add(y);
    apart.get(y)!.add(x);
  }
  const held = new Map<number, number[]>();
  if (apart.size) for (let i = 0; i < n; i++) if (apart.has(g.existing[i]) && !held.has(uf.find(i))) held.set(uf.find(i), [g.existing[i]]);
  const keptApart = (ra: number, rb: number): boolean => {
    const ha = held.get(ra);
    const hb = held.get(rb);
    return Boolean(ha && hb && ha.some((c) => hb.some((d) => apart.get(c)!.has(d))));
  };

  const join = (a: number, b: number): number => {
    const ra = uf.find(a);
    const rb = uf.find(b);
    const { root, absorbed } = uf.union(ra, rb);
    if (absorbed < 0) return root;
    const hr = held.get(root);
    const ha = held.get(absorbed);
    if (ha) held.set(root, hr ? [...new Set([...hr, ...ha])] : ha);
    for (const slot of uniqueSlots) if (slot[root] < 0) slot[root] = slot[absorbed];
    const ca = minCustomer[root];
    const cb = minCustomer[absorbed];
    minCustomer[root] = ca && cb ? Math.min(ca, cb) : ca || cb;
    return root;
  };

  // Existing customers stay whole.
  const firstOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = g.existing[i];
    if (!c) continue;
    const f = firstOf.get(c);
    if (f === undefined) firstOf.set(c, i);
    else join(f, i);
  }

  // Links: from each record's highest-priority identifier to each other one, applied in priority order.
  const linkRanks = rules.priority.length + 16;
  // Within one rule, links to identifiers customers already hold go first, then in record order: who was seen
  // before keeps an identifier when a later record contradicts it.
  const buckets: number[][] = Array.from({ length: 2 * (linkRanks + 16) }, () => []);
  for (const r of g.records) {
    let anchor = r[0];
    for (const x of r) if (ranks[x] < ranks[anchor]) anchor = x;
    for (const x of r) if (x !== anchor) buckets[2 * ranks[anchor] + (g.existing[x] || g.existing[anchor] ? 0 : 1)].push(anchor, x);
  }
  const merges: Merge[] = [];
  const conflicts: Conflict[] = [];
  const listed = new Set(rules.priority);
  for (const edges of buckets) {
    for (let k = 0; k < edges.length; k += 2) {
      const a = edges[k];
      const b = edges[k + 1];
      if (!listed.has(g.types[a])) continue;
      const ra = uf.find(a);
      const rb = uf.find(b);
      if (ra === rb) continue;
      // An identifier of a type the rules leave out may join its record's person, but never link two people.
      if (!listed.has(g.types[b]) && uf.sizeOf(rb) > 1) continue;
      // The identifier claimed twice: the anchor, unless it is alone and the other one already belongs to someone.
      const [claimed, other] = uf.sizeOf(ra) === 1 && uf.sizeOf(rb) > 1 ? [b, a] : [a, b];
      if (keptApart(ra, rb)) {
        conflicts.push({ rule: g.types[a], uniqueType: 'separated', a: claimed, b: other });
        continue;
      }
      const clash = uniqueSlots.findIndex((slot) => slot[ra] >= 0 && slot[rb] >= 0 && slot[ra] !== slot[rb]);
      if (clash >= 0) {
        conflicts.push({ rule: g.types[a], uniqueType: rules.unique[clash], a: claimed, b: other });
        continue;
      }
      const ca = minCustomer[ra];
      const cb = minCustomer[rb];
      if (ca && cb && ca !== cb) merges.push({ survivor: Math.min(ca, cb), merged: Math.max(ca, cb), rule: g.types[a], via: a });
      join(ra, rb);
    }
  }

  // Customers: a component keeps its smallest existing id; components without one get a new number.
  const customerOf = new Float64Array(n);
  const newIdOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    const c = minCustomer[root];
    if (c) customerOf[i] = c;
    else {
      let id = newIdOfRoot.get(root);
      if (id === undefined) newIdOfRoot.set(root, (id = -(newIdOfRoot.size + 1)));
      customerOf[i] = id;
    }
  }
  return { customerOf, newCustomers: newIdOfRoot.size, merges, conflicts };
}
