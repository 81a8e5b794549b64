/** Disjoint sets over 0..n-1 in a typed array (path halving, union by smaller index as root). */
export interface UnionFind {
  find(item: number): number;
  union(left: number, right: number): void;
}

export function createUnionFind(size: number): UnionFind {
  const parent = new Int32Array(size);
  for (let index = 0; index < size; index += 1) parent[index] = index;
  const find = (item: number): number => {
    let current = item;
    while (parent[current] !== current) {
      const next = parent[current] ?? current;
      parent[current] = parent[next] ?? next;
      current = parent[current] ?? current;
    }
    return current;
  };
  return {
    find,
    union(left, right) {
      const a = find(left);
      const b = find(right);
      if (a === b) return;
      if (a < b) parent[b] = a;
      else parent[a] = b;
    },
  };
}
