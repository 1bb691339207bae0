/**
 * Patching a tracked snapshot with re-read units (pure): a unit's rows are replaced as a whole, the
 * base is never modified, the patched fingerprint equals one computed from scratch, and renames
 * (which widen the re-read to dependents) are told apart from additions, drops and edits.
 */
import { analyseRenames, enumLabels, patchSnapshot, trackedFromRows, unitOfKey } from '../../src/schema/patch.js';
import type { SnapshotRow } from '../../src/schema/snapshot.js';

const row = (unit: string, kind: SnapshotRow['kind'], name: string, ddl: string, tbl: string | null = null, pos: number | null = null): SnapshotRow => ({
  unit, kind, name, ddl, tbl, pos,
});
const T = '1259/100';
const V = '1259/200';
const E = '1247/300';
const S = '2615/2200';
const base = [
  row(S, 'schema', 'public', 'CREATE SCHEMA public'),
  row(T, 'table', 'public.t', 'CREATE TABLE public.t'),
  row(T, 'column', 'public.t.a', 'a integer', 'public.t', 1),
  row(T, 'index', 'public.t_a', 'CREATE INDEX t_a ON public.t (a)', 'public.t'),
  row(V, 'view', 'public.v', 'CREATE VIEW public.v AS SELECT a FROM public.t'),
  row(E, 'type', 'public.mood', "CREATE TYPE public.mood AS ENUM ('sad', 'it''s ok')"),
];
const keys = (s: { objects: Map<string, unknown> }) => [...s.objects.keys()].sort();

test('re-read units replace their rows as a whole; other units and the base stay as they were', () => {
  const s0 = trackedFromRows(base, '100', {});
  const before = keys(s0);
  const fingerprint0 = s0.fingerprint;
  const reread = [row(T, 'table', 'public.t2', 'CREATE TABLE public.t2'), row(T, 'column', 'public.t2.a', 'a bigint', 'public.t2', 1)];
  const s1 = patchSnapshot(s0, new Set([T, '1259/999']), reread, '120');
  expect(keys(s1)).toEqual(['column public.t2.a', 'schema public', 'table public.t2', 'type public.mood', 'view public.v']);
  expect(s1.units.get(T)).toEqual(['table public.t2', 'column public.t2.a']);
  expect(s1.units.has('1259/999')).toBe(false);
  expect(s1.horizon).toBe('120');
  // The base is untouched, and the patched fingerprint is the one of its rows read from scratch.
  expect(keys(s0)).toEqual(before);
  expect(s0.units.get(T)).toHaveLength(3);
  expect(s0.fingerprint).toBe(fingerprint0);
  const scratch = trackedFromRows([...base.filter((r) => r.unit !== T), ...reread], '120', {});
  expect(s1.fingerprint).toBe(scratch.fingerprint);
  expect(s1.fingerprint).not.toBe(fingerprint0);
  // Patching back gives the base's fingerprint again.
  expect(patchSnapshot(s1, new Set([T]), base.filter((r) => r.unit === T), '130').fingerprint).toBe(fingerprint0);
});

test('rows of a unit that was not re-read are refused', () => {
  const s0 = trackedFromRows(base, '1', {});
  expect(() => patchSnapshot(s0, new Set([T]), [row(V, 'view', 'public.v', 'x')], '2')).toThrow(/outside the re-read units/);
});

test('renames are told apart from additions, drops and edits', () => {
  const s0 = trackedFromRows(base, '1', {});
  const analyse = (unit: string, rows: SnapshotRow[]) => analyseRenames(s0, new Set([unit]), rows);
  const t = base.filter((r) => r.unit === T);
  // A new column, a dropped column, a changed column type, a renamed index: nothing others print changed.
  expect(analyse(T, [t[0]!, t[2]!]).renamed).toEqual([]);
  expect(analyse(T, [...t, row(T, 'column', 'public.t.b', 'b text', 'public.t', 2)]).renamed).toEqual([]);
  expect(analyse(T, [t[0]!, row(T, 'column', 'public.t.a', 'a bigint', 'public.t', 1), row(T, 'index', 'public.t_a2', 'x', 'public.t')]).renamed).toEqual([]);
  // A renamed column or table: yes.
  expect(analyse(T, [t[0]!, row(T, 'column', 'public.t.b', 'b integer', 'public.t', 1), t[2]!]).renamed).toEqual([T]);
  // Dropped: its dependents went with it. Created: so did they.
  expect(analyse(T, []).renamed).toEqual([]);
  expect(analyse('1259/555', [row('1259/555', 'table', 'public.n', 'CREATE TABLE public.n')]).renamed).toEqual([]);
  // Not shown by the snapshot at all (an extension member, an operator): judged by its dependents.
  expect(analyse('2617/42', []).renamed).toEqual(['2617/42']);
  // Enum: a label added is no rename, a label renamed away is.
  expect(analyse(E, [row(E, 'type', 'public.mood', "CREATE TYPE public.mood AS ENUM ('sad', 'meh', 'it''s ok')")]).renamed).toEqual([]);
  expect(analyse(E, [row(E, 'type', 'public.mood', "CREATE TYPE public.mood AS ENUM ('down', 'it''s ok')")]).renamed).toEqual([E]);
  // A schema renamed: everything in it is.
  expect(analyse(S, [row(S, 'schema', 'app', 'CREATE SCHEMA app')])).toEqual({ renamed: [S], renamedSchemas: [2200] });
});

test('a composite type whose attributes change counts as renamed (others print its attributes)', () => {
  const C = '1247/400';
  const s0 = trackedFromRows([row(C, 'type', 'public.pair', 'CREATE TYPE public.pair AS (x integer, y text)')], '1', {});
  expect(analyseRenames(s0, new Set([C]), [row(C, 'type', 'public.pair', 'CREATE TYPE public.pair AS (x integer, label text)')]).renamed).toEqual([C]);
  expect(analyseRenames(s0, new Set([C]), [row(C, 'type', 'public.pair', 'CREATE TYPE public.pair AS (x integer, y text)\nOWNER TO x')]).renamed).toEqual([C]);
});

test('enum labels are read back from quote_literal text', () => {
  expect(enumLabels("CREATE TYPE public.m AS ENUM ('a', 'it''s', E'back\\\\slash')\nOWNER TO me")).toEqual(['a', "it''s", 'back\\\\slash']);
  expect(enumLabels('CREATE TYPE public.p AS (x integer)')).toBeUndefined();
});

test('the unit holding an object key, and the event triggers, follow patches', () => {
  const ET = '3466/900';
  const s0 = trackedFromRows([...base, row(ET, 'event trigger', 'et', 'CREATE EVENT TRIGGER et')], '1', {});
  expect(unitOfKey(s0, 'index public.t_a')).toBe(T);
  expect(unitOfKey(s0, 'index public.gone')).toBeUndefined();
  expect(s0.eventTriggers).toEqual([ET]);
  const s1 = patchSnapshot(s0, new Set([T, ET]), [row(T, 'index', 'public.t_b', 'x', 'public.t')], '2');
  expect([unitOfKey(s1, 'index public.t_a'), unitOfKey(s1, 'index public.t_b'), unitOfKey(s1, 'table public.t')]).toEqual([undefined, T, undefined]);
  expect(s1.eventTriggers).toEqual([]);
  expect(unitOfKey(s0, 'index public.t_a')).toBe(T);
});
