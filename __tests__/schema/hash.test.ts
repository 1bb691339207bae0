/**
 * The order-independent schema fingerprint (pure): equal object sets give equal fingerprints
 * whatever the order, any change to any field changes it, identical objects never cancel out, and a
 * fingerprint adjusted by what changed equals the one computed from scratch.
 */
import { adjustDigest, digestHex, digestObjects, objectDigest, snapshotDigest, snapshotWithLazyFingerprint } from '../../src/schema/hash.js';
import { objectKey, type SchemaObject } from '../../src/schema/model.js';

const objects: SchemaObject[] = [
  { kind: 'table', name: 'public.t', ddl: 'CREATE TABLE public.t\nOWNER TO me' },
  { kind: 'column', name: 'public.t.a', ddl: 'a integer', table: 'public.t', position: 1 },
  { kind: 'column', name: 'public.t.b', ddl: 'b text NOT NULL', table: 'public.t', position: 2 },
  { kind: 'index', name: 'public.t_a_idx', ddl: 'CREATE INDEX t_a_idx ON public.t USING btree (a)', table: 'public.t' },
];
const snapshotOf = (list: SchemaObject[]) => snapshotWithLazyFingerprint(new Map(list.map((o) => [objectKey(o.kind, o.name), o])));

test('the fingerprint does not depend on the order of the objects', () => {
  const a = snapshotOf(objects).fingerprint;
  expect(snapshotOf([...objects].reverse()).fingerprint).toBe(a);
  expect(snapshotOf([objects[2]!, objects[0]!, objects[3]!, objects[1]!]).fingerprint).toBe(a);
  expect(a).toMatch(/^[0-9a-f]{64}$/);
});

test('any field of any object changes the fingerprint', () => {
  const base = snapshotOf(objects).fingerprint;
  const variants: Array<Partial<SchemaObject>> = [{ ddl: 'a bigint' }, { position: 3 }, { table: 'public.u' }, { name: 'public.t.z' }, { kind: 'constraint' }];
  for (const change of variants) {
    const changed = objects.map((o, i) => (i === 1 ? { ...o, ...change } : o));
    expect({ change, fingerprint: snapshotOf(changed).fingerprint }).not.toEqual({ change, fingerprint: base });
  }
  // A field moving between objects is a change too (the serialisation separates fields).
  expect(snapshotOf([{ kind: 'table', name: 'a', ddl: 'b' }]).fingerprint).not.toBe(snapshotOf([{ kind: 'table', name: 'ab', ddl: '' }]).fingerprint);
});

test('identical objects add up instead of cancelling out (a sum, not a XOR)', () => {
  const one = digestObjects([objects[0]!]);
  const twice = digestObjects([objects[0]!, objects[0]!]);
  expect(twice).not.toBe(0n);
  expect(twice).toBe((2n * one) % (1n << 256n));
});

test('adjusting by what changed equals computing from scratch', () => {
  const base = digestObjects(objects);
  const replacement: SchemaObject = { ...objects[1]!, ddl: 'a bigint NOT NULL' };
  const added: SchemaObject = { kind: 'comment', name: 'column public.t.a', ddl: "COMMENT ON COLUMN public.t.a IS 'x'" };
  const adjusted = adjustDigest(base, [objects[1]!, objects[3]!], [replacement, added]);
  expect(adjusted).toBe(digestObjects([objects[0]!, replacement, objects[2]!, added]));
  expect(adjustDigest(base, objects, [])).toBe(0n);
  expect(digestHex(0n)).toBe('0'.repeat(64));
});

test('the bulk sum equals the sum of single digests', () => {
  const single = objects.reduce((acc, o) => (acc + objectDigest(o)) % (1n << 256n), 0n);
  expect(digestObjects(objects)).toBe(single);
});

test('a lazy fingerprint is computed once, from the function given', () => {
  let calls = 0;
  const s = snapshotWithLazyFingerprint(new Map(), () => {
    calls++;
    return 255n;
  });
  expect(calls).toBe(0);
  expect(s.fingerprint).toBe(`${'0'.repeat(62)}ff`);
  expect(s.fingerprint).toBe(`${'0'.repeat(62)}ff`);
  expect(snapshotDigest(s)).toBe(255n);
  expect(calls).toBe(1);
  // A plain Snapshot value (not made here) is hashed from its objects.
  expect(snapshotDigest({ objects: new Map(objects.map((o) => [o.name, o])), fingerprint: 'x' })).toBe(digestObjects(objects));
});
