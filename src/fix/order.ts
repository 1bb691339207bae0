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
    const statements: FixStatement[] = [];
    const cycles: string[] = [];
    while (remaining.size > 0) {
      let best: Vertex | undefined;
      let forced = false;
      for (const id of remaining) {
        if (indegree.get(id)! > 0) continue;
        const v = this.vertices.get(id)!;
        if (!best || compareVertices(v, best) < 0) best = v;
      }
      if (!best) {
        forced = true;
        for (const id of remaining) {
          const v = this.vertices.get(id)!;
          if (!best || compareVertices(v, best) < 0) best = v;
        }
      }
      const v = best!;
      if (forced && v.statements.length > 0) cycles.push(v.id);
      remaining.delete(v.id);
      statements.push(...v.statements);
      for (const s of this.successors.get(v.id) ?? []) indegree.set(s, indegree.get(s)! - 1);
      indegree.set(v.id, -1);
    }
    return { statements, cycles };
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
