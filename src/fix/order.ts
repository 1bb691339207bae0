/**
 * Orders generated statements. As in stripe/pg-schema-diff's SQL graph, every object has a few
 * vertices — `drop` (what removes it or detaches it from what it refers to), `create` (what makes
 * or alters it), `post` (what must wait for other objects, e.g. OWNED BY, ATTACH PARTITION) and
 * `cleanup` (what must wait until nothing uses the old version, e.g. dropping a renamed-away enum)
 * — and edges say which must run first. A topological sort with priorities (drops before creates
 * before cleanups; within them, PostgreSQL's natural kind order and then the name) keeps the
 * output stable and readable. Pure.
 */

export type Stage = 'drop' | 'create' | 'post' | 'cleanup';

/** One statement of the generated down. */
export interface FixStatement {
  /** The statement, without the terminating `;`. */
  sql: string;
  /** The object it is about, as reports name objects (`index public.orders_status_idx`). */
  object: string;
  /** A comment a reviewer needs to understand the step (rendered as `-- …` above it). */
  note?: string;
}

/** Statements as SQL text: `;`-terminated, a note as a `--` comment above its statement. */
export function renderStatements(statements: readonly Pick<FixStatement, 'sql' | 'note'>[]): string {
  return statements.map((s) => `${s.note ? `-- ${s.note}\n` : ''}${s.sql};`).join('\n');
}

export interface Vertex {
  id: string;
  stage: Stage;
  /** Sort rank of the object's kind (creation order). */
  rank: number;
  /** Tie-breaker: the object's key. */
  name: string;
  statements: FixStatement[];
}

const STAGE_CLASS: Record<Stage, number> = { drop: 0, create: 1, post: 1, cleanup: 2 };

/** A directed graph of vertices; `edge(a, b)` means a runs before b. */
export class StatementGraph {
  private readonly vertices = new Map<string, Vertex>();
  private readonly successors = new Map<string, Set<string>>();

  vertex(id: string, init: () => Omit<Vertex, 'id' | 'statements'>): Vertex {
    let v = this.vertices.get(id);
    if (!v) {
      v = { id, statements: [], ...init() };
      this.vertices.set(id, v);
    }
    return v;
  }

  has(id: string): boolean {
    return this.vertices.has(id);
  }

  edge(before: string, after: string): void {
    if (before === after || !this.vertices.has(before) || !this.vertices.has(after)) return;
    let set = this.successors.get(before);
    if (!set) this.successors.set(before, (set = new Set()));
    set.add(after);
  }

  /**
   * Statements in an order that satisfies every edge. When edges form a cycle (which the
   * generator's own rules never make, but a text-based reference might), the cycle is broken at
   * its highest-priority vertex and `cycles` names where.
   */
  order(): { statements: FixStatement[]; cycles: string[] } {
    const indegree = new Map<string, number>();
    for (const id of this.vertices.keys()) indegree.set(id, 0);
    for (const [, set] of this.successors) for (const s of set) indegree.set(s, indegree.get(s)! + 1);
    const remaining = new Set(this.vertices.keys());
    const ready = new Heap<Vertex>(compareVertices);
    for (const [id, n] of indegree) if (n === 0) ready.push(this.vertices.get(id)!);
    const statements: FixStatement[] = [];
    const cycles: string[] = [];
    while (remaining.size > 0) {
      let v = ready.pop();
      if (!v) {
        // Only a cycle is left: break it at its highest-priority vertex.
        for (const id of remaining) {
          const candidate = this.vertices.get(id)!;
          if (!v || compareVertices(candidate, v) < 0) v = candidate;
        }
        if (v!.statements.length > 0) cycles.push(v!.id);
      }
      const vertex = v!;
      if (!remaining.delete(vertex.id)) continue;
      statements.push(...vertex.statements);
      for (const s of this.successors.get(vertex.id) ?? []) {
        const n = indegree.get(s)! - 1;
        indegree.set(s, n);
        if (n === 0 && remaining.has(s)) ready.push(this.vertices.get(s)!);
      }
    }
    return { statements, cycles };
  }
}

/** A binary min-heap. */
class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.compare(items[l]!, items[m]!) < 0) m = l;
        if (r < items.length && this.compare(items[r]!, items[m]!) < 0) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

function compareVertices(a: Vertex, b: Vertex): number {
  const ca = STAGE_CLASS[a.stage];
  const cb = STAGE_CLASS[b.stage];
  if (ca !== cb) return ca - cb;
  // Drops run dependents first: the reverse of the creation order.
  const rank = ca === 0 ? b.rank - a.rank : a.rank - b.rank;
  if (rank !== 0) return rank;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
