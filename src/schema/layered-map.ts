/**
 * A Map that is a base Map plus changes, so deriving a patched snapshot from its base costs what
 * changed instead of a copy of every object (copying a 16,000-entry Map took tens of ms, mostly
 * garbage collection). Reads look at the changes of each layer, newest first, then the root; a
 * base is never modified. A chain is flattened into a plain Map once it is MAX_DEPTH layers deep or
 * has changed as many entries as half its root: the copy is then paid for by the changes it
 * follows, and lookups walk at most MAX_DEPTH small maps.
 *
 * It is a real Map (a subclass), so code that takes a `Map<string, SchemaObject>` — diffs, `new
 * Map(x)` — works unchanged. (Jest's toEqual also compares constructors: compare a copy.)
 */

const REMOVED = Symbol('removed');
const MAX_DEPTH = 64;

export class LayeredMap<K, V> extends Map<K, V> {
  /** The layer below (another LayeredMap) or the root (a plain map). */
  private readonly base: ReadonlyMap<K, V>;
  private readonly changes = new Map<K, V | typeof REMOVED>();
  private readonly depth: number;
  /** Changes made in this layer and all layers below it, down to the root. */
  private readonly chainChangesBelow: number;
  private count: number;

  /** A map equal to `base`, which later sets and deletes do not touch. */
  constructor(base: ReadonlyMap<K, V>) {
    super();
    const below = base instanceof LayeredMap ? (base as LayeredMap<K, V>) : undefined;
    const depth = below ? below.depth + 1 : 1;
    const changed = below ? below.chainChangesBelow + below.changes.size : 0;
    const flatten = below !== undefined && (depth > MAX_DEPTH || changed * 2 > below.root().size);
    this.base = flatten ? new Map(base) : base;
    this.depth = flatten ? 1 : depth;
    this.chainChangesBelow = flatten ? 0 : changed;
    this.count = base.size;
  }

  private root(): ReadonlyMap<K, V> {
    let m: ReadonlyMap<K, V> = this.base;
    while (m instanceof LayeredMap) m = (m as LayeredMap<K, V>).base;
    return m;
  }

  override get size(): number {
    return this.count;
  }

  override get(key: K): V | undefined {
    if (this.changes.has(key)) {
      const v = this.changes.get(key);
      return v === REMOVED ? undefined : (v as V);
    }
    return this.base.get(key);
  }

  override has(key: K): boolean {
    if (this.changes.has(key)) return this.changes.get(key) !== REMOVED;
    return this.base.has(key);
  }

  override set(key: K, value: V): this {
    // Map's constructor calls set only for an iterable argument, which this one never gets.
    if (!this.changes) return this;
    if (!this.has(key)) this.count++;
    this.changes.set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    if (!this.has(key)) return false;
    this.count--;
    if (this.base.has(key)) this.changes.set(key, REMOVED);
    else this.changes.delete(key);
    return true;
  }

  override clear(): void {
    for (const key of [...this.keys()]) this.delete(key);
  }

  /** One pass over the root and one over the merged changes: O(size + changes), whatever the depth. */
  override *entries(): MapIterator<[K, V]> {
    const overrides = new Map<K, V | typeof REMOVED>();
    let m: ReadonlyMap<K, V> = this;
    while (m instanceof LayeredMap) {
      const layer = m as LayeredMap<K, V>;
      for (const [key, value] of layer.changes) if (!overrides.has(key)) overrides.set(key, value);
      m = layer.base;
    }
    for (const [key, value] of m) if (!overrides.has(key)) yield [key, value];
    for (const [key, value] of overrides) if (value !== REMOVED) yield [key, value as V];
  }

  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) fn.call(thisArg, value, key, this);
  }
}
