/**
 * A revision graph as Alembic keeps one: each revision names its parent(s) (`down_revision`; a
 * merge revision names several, a root none) and may depend on others (`depends_on`). Pure:
 * validation, an order that applies parents first, heads, ancestry.
 */
import { ConfigError } from '../errors.js';

export interface RevisionNode {
  id: string;
  /** down_revision: none for a root, two or more for a merge. */
  parents: string[];
  /** depends_on: revisions (or branch labels) that must be applied first, without being parents. */
  dependsOn: string[];
  branchLabels: string[];
  /** Display path of the revision's file, for messages. */
  file: string;
}

/** ConfigError for a revision id claimed twice or a parent that does not exist. */
export function checkGraph(nodes: readonly RevisionNode[]): void {
  const byId = new Map<string, RevisionNode>();
  for (const n of nodes) {
    const other = byId.get(n.id);
    if (other) throw new ConfigError(`two revision files claim revision '${n.id}': ${other.file} and ${n.file}`);
    byId.set(n.id, n);
  }
  for (const n of nodes) {
    for (const p of n.parents) {
      if (!byId.has(p)) throw new ConfigError(`${n.file}: down_revision '${p}' of revision '${n.id}' matches no revision file`);
    }
  }
}

/** Resolves a depends_on entry (a revision id or a branch label) to a revision id. */
function resolveDependency(dep: string, nodes: readonly RevisionNode[], byId: Map<string, RevisionNode>): string | undefined {
  if (byId.has(dep)) return dep;
  // A branch label stands for the revision that carries it.
  return nodes.find((n) => n.branchLabels.includes(dep))?.id;
}

/**
 * Revisions ordered so that parents and dependencies come first (Kahn's algorithm). Among
 * revisions ready at the same time the one whose file sorts first goes first, so the order is
 * deterministic. ConfigError on a cycle.
 */
export function topologicalOrder(nodes: readonly RevisionNode[]): RevisionNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const before = new Map<string, Set<string>>();
  for (const n of nodes) {
    const deps = new Set(n.parents);
    for (const d of n.dependsOn) {
      const id = resolveDependency(d, nodes, byId);
      if (id && id !== n.id) deps.add(id);
    }
    before.set(n.id, deps);
  }
  const done = new Set<string>();
  const order: RevisionNode[] = [];
  const pending = [...nodes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  while (pending.length) {
    const i = pending.findIndex((n) => [...before.get(n.id)!].every((d) => done.has(d)));
    if (i < 0) {
      throw new ConfigError(`the revisions ${pending.map((n) => n.id).join(', ')} form a cycle (down_revision/depends_on); ${pending[0]!.file}`);
    }
    const [next] = pending.splice(i, 1);
    done.add(next!.id);
    order.push(next!);
  }
  return order;
}

/** Revisions no other revision names as its parent, in the given order. */
export function headsOf(nodes: readonly RevisionNode[]): RevisionNode[] {
  const parents = new Set(nodes.flatMap((n) => n.parents));
  return nodes.filter((n) => !parents.has(n.id));
}

/** The revision and all its ancestors (through down_revision). */
export function lineage(nodes: readonly RevisionNode[], id: string): Set<string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    stack.push(...(byId.get(cur)?.parents ?? []));
  }
  return seen;
}
