/**
 * Union-find (并查集) over dense integer nodes, with path halving and union by size. Nodes are identifiers; a
 * component is one person.
 */
export class UnionFind {
  readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /** Number of nodes in x's component. */
  sizeOf(x: number): number {
    return this.size[this.find(x)];
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }

  /** Joins the components of a and b; returns the new root and the root that was absorbed (or -1 if already one). */
  union(a: number, b: number): { root: number; absorbed: number } {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return { root: ra, absorbed: -1 };
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    return { root: ra, absorbed: rb };
  }
}
