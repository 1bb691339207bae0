/**
 * LayeredMap (pure): behaves as a Map with the same entries as a copy would have, never touches its
 * base, and flattens long chains of layers.
 */
import fc from 'fast-check';
import { LayeredMap } from '../../src/schema/layered-map.js';

type Op = { op: 'set'; key: string; value: number } | { op: 'delete'; key: string };
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ op: fc.constant('delete' as const), key }),
);

test('a chain of layers matches a chain of copies, operation by operation, and never changes its bases', () => {
  fc.assert(
    fc.property(fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 20 }), (layers) => {
      let layered: Map<string, number> = new Map([['a', 0], ['b', 1]]);
      let copied = new Map(layered);
      const history: Array<[Map<string, number>, Array<[string, number]>]> = [];
      for (const ops of layers) {
        history.push([layered, [...layered].sort()]);
        layered = new LayeredMap(layered);
        copied = new Map(copied);
        for (const o of ops) {
          if (o.op === 'set') {
            expect(layered.set(o.key, o.value)).toBe(layered);
            copied.set(o.key, o.value);
          } else expect(layered.delete(o.key)).toBe(copied.delete(o.key));
        }
        expect(layered.size).toBe(copied.size);
        expect([...layered].sort()).toEqual([...copied].sort());
        expect([...layered.keys()].sort()).toEqual([...copied.keys()].sort());
        expect([...layered.values()].sort()).toEqual([...copied.values()].sort());
        for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'z']) {
          expect([layered.has(k), layered.get(k)]).toEqual([copied.has(k), copied.get(k)]);
        }
      }
      // Every earlier map still holds what it held.
      for (const [map, entries] of history) expect([...map].sort()).toEqual(entries);
    }),
    { seed: 14, numRuns: 200 },
  );
});

test('it is a Map to code that takes one', () => {
  const m = new LayeredMap(new Map([['x', 1]]));
  m.set('y', 2);
  expect(m).toBeInstanceOf(Map);
  // (Jest's toEqual also compares constructors, so compare a copy.)
  expect(new Map(m)).toEqual(new Map([['x', 1], ['y', 2]]));
  expect(Object.fromEntries(m)).toEqual({ x: 1, y: 2 });
  const seen: string[] = [];
  m.forEach((v, k) => seen.push(`${k}=${v}`));
  expect(seen.sort()).toEqual(['x=1', 'y=2']);
  m.clear();
  expect(m.size).toBe(0);
});

test('a long chain is flattened (lookups stay short, old layers can be collected)', () => {
  // Many entries, one changed per layer: flattened by depth, not by the share of changes.
  let m: Map<string, number> = new Map([['k', 0], ...Array.from({ length: 1000 }, (_, i) => [`x${i}`, i] as [string, number])]);
  for (let i = 1; i <= 200; i++) {
    m = new LayeredMap(m);
    m.set('k', i);
  }
  expect(m.get('k')).toBe(200);
  expect(m.size).toBe(1001);
  // Depth is internal; walking the bases proves the chain never exceeds the flattening depth.
  let depth = 0;
  for (let cur: unknown = m; cur instanceof LayeredMap; cur = (cur as unknown as { base: unknown }).base) depth++;
  expect(depth).toBeLessThanOrEqual(64);
});
