/** diffSnapshots is pure: these tests build snapshots by hand, no server needed. */
import { diffSnapshots } from '../../src/schema/diff.js';
import { objectKey, type SchemaObject, type Snapshot } from '../../src/schema/model.js';

function snapshot(objects: SchemaObject[], fingerprint = JSON.stringify(objects)): Snapshot {
  return { objects: new Map(objects.map((o) => [objectKey(o.kind, o.name), o])), fingerprint };
}

const table: SchemaObject = { kind: 'table', name: 'public.users', ddl: 'CREATE TABLE public.users\nOWNER TO app' };
const id: SchemaObject = { kind: 'column', name: 'public.users.id', ddl: 'id bigint NOT NULL', table: 'public.users', position: 1 };
const email: SchemaObject = { kind: 'column', name: 'public.users.email', ddl: 'email text', table: 'public.users', position: 2 };
const index: SchemaObject = {
  kind: 'index',
  name: 'public.users_email_lower_idx',
  ddl: 'CREATE INDEX users_email_lower_idx ON public.users USING btree (lower(email))',
  table: 'public.users',
};

describe('diffSnapshots', () => {
  test('equal snapshots have no differences', () => {
    expect(diffSnapshots(snapshot([table, id]), snapshot([table, id]))).toEqual([]);
  });

  test('names added, removed and changed objects with display strings, sorted by kind then name', () => {
    const before = snapshot([table, id, email]);
    const after = snapshot([{ ...table, ddl: `${table.ddl}\nENABLE ROW LEVEL SECURITY` }, id, index]);
    const diffs = diffSnapshots(before, after);
    expect(diffs.map((d) => [d.display, d.change])).toEqual([
      ['table public.users', 'changed'],
      ['column public.users.email', 'removed'],
      ['index public.users_email_lower_idx', 'added'],
    ]);
    expect(diffs[1]).toMatchObject({ key: 'column public.users.email', kind: 'column', name: 'public.users.email', table: 'public.users' });
    expect(diffs[1]!.after).toBeUndefined();
    expect(diffs[2]!.before).toBeUndefined();
  });

  test('the unified diff shows -/+ lines of the canonical text', () => {
    const before = snapshot([{ ...email, ddl: 'email text' }]);
    const after = snapshot([{ ...email, ddl: 'email text NOT NULL' }]);
    const [d] = diffSnapshots(before, after);
    expect(d!.diff).toContain('--- before');
    expect(d!.diff).toContain('+++ after');
    expect(d!.diff).toContain('\n-email text\n');
    expect(d!.diff).toContain('\n+email text NOT NULL\n');
    expect(d!.diff).not.toMatch(/^=+$/m);
    expect(d!.diff).not.toContain('No newline');
    expect(d!.columnOrderOnly).toBeUndefined();
  });

  test('an added object diffs against nothing: only + lines', () => {
    const [d] = diffSnapshots(snapshot([]), snapshot([index]));
    expect(d!.diff).toContain(`+${index.ddl}`);
    expect(d!.diff).not.toMatch(/^-[^-]/m);
  });

  test('a column whose only change is its position is columnOrderOnly; of two swapped, the one that went back', () => {
    const before = snapshot([id, email]);
    const after = snapshot([{ ...id, position: 2 }, { ...email, position: 1 }]);
    const diffs = diffSnapshots(before, after);
    expect(diffs.map((d) => [d.display, d.columnOrderOnly])).toEqual([['column public.users.id', true]]);
    expect(diffs[0]!.diff).toContain('-- position 1');
    expect(diffs[0]!.diff).toContain('+-- position 2');
  });

  test('a re-added column is the one column that moved, not the bystanders after its old place', () => {
    const col = (name: string, position: number): SchemaObject => ({ kind: 'column', name: `public.users.${name}`, ddl: `${name} text`, table: 'public.users', position });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const before = snapshot(names.map((n, i) => col(n, i + 1)));
    // b dropped and added back: it goes last, c, d and e each shift up by one.
    const after = snapshot(['a', 'c', 'd', 'e', 'b'].map((n, i) => col(n, i + 1)));
    expect(diffSnapshots(before, after).map((d) => d.display)).toEqual(['column public.users.b']);
    // Near miss: two re-added columns are both reported, still without the bystanders.
    const twice = snapshot(['a', 'c', 'e', 'b', 'd'].map((n, i) => col(n, i + 1)));
    expect(diffSnapshots(before, twice).map((d) => d.display)).toEqual(['column public.users.b', 'column public.users.d']);
  });

  test('a column that moved and changed is not columnOrderOnly', () => {
    const [d] = diffSnapshots(snapshot([email]), snapshot([{ ...email, ddl: 'email citext', position: 3 }]));
    expect(d!.columnOrderOnly).toBeUndefined();
    expect(d!.change).toBe('changed');
  });

  test('is deterministic whatever the map order', () => {
    const a = snapshot([index, email, table, id]);
    const b = snapshot([id, table]);
    expect(diffSnapshots(a, b)).toEqual(diffSnapshots(snapshot([table, id, email, index]), b));
  });
});
