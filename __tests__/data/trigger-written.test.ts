/**
 * Columns a trigger writes (found on ente's history: `updated_at` stamped by a BEFORE UPDATE
 * trigger, `collections.updation_time` by another table's AFTER trigger): a backfill in the up
 * changes them, no down can restore them, and the down does not write them — a warning naming the
 * trigger, not "the down loses 1000 of 1000 values". Near misses: a down that writes such a
 * column itself, and a column no trigger writes, are still errors.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

const base = {
  'db/1_base.up.sql': `
CREATE TABLE collections (id int PRIMARY KEY, name text NOT NULL, updation_time bigint NOT NULL);
CREATE TABLE tokens (id int PRIMARY KEY, collection_id int NOT NULL, updated_at bigint NOT NULL);
CREATE FUNCTION stamp_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at = (extract(epoch from clock_timestamp()) * 1000000)::bigint;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tokens_updated_at BEFORE UPDATE ON tokens FOR EACH ROW EXECUTE PROCEDURE stamp_updated_at();
CREATE FUNCTION bump_collection() RETURNS trigger AS $$
BEGIN
  UPDATE collections SET updation_time = NEW.updated_at WHERE id = NEW.collection_id AND updation_time < NEW.updated_at;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tokens_bump_collection AFTER UPDATE ON tokens FOR EACH ROW EXECUTE PROCEDURE bump_collection();
`,
  'db/1_base.down.sql': 'DROP TABLE tokens;\nDROP TABLE collections;\nDROP FUNCTION bump_collection();\nDROP FUNCTION stamp_updated_at();\n',
  'db/2_join.up.sql': 'ALTER TABLE tokens ADD COLUMN enable_join bool;\nUPDATE tokens SET enable_join = false;\n',
};

const shown = (r: Awaited<ReturnType<typeof verify>>) => r.problems.map((p) => `${p.severity} ${p.kind} ${p.object}`).sort();

describe('values a trigger writes', () => {
  test('changed by the up through triggers, not written by the down: warnings naming the trigger', async () => {
    const r = await verify(writeProject({ ...base, 'db/2_join.down.sql': 'ALTER TABLE tokens DROP COLUMN enable_join;\n' }), 'db', url());
    expect(shown(r)).toEqual(['warning data-loss column public.collections.updation_time', 'warning data-loss column public.tokens.updated_at']);
    expect(r.problems.find((p) => p.object === 'column public.tokens.updated_at')!.message).toContain('written by the trigger function public.stamp_updated_at() (on public.tokens)');
    expect(r.problems.find((p) => p.object === 'column public.collections.updation_time')!.message).toContain('public.bump_collection() (on public.tokens)');
    expect(r.status).toBe('pass');
  });

  test('near miss: a down that writes the column itself, and a column no trigger writes, stay errors', async () => {
    const down = 'ALTER TABLE tokens DROP COLUMN enable_join;\nUPDATE collections SET updation_time = 0, name = upper(name);\n';
    const r = await verify(writeProject({ ...base, 'db/2_join.down.sql': down }), 'db', url());
    expect(shown(r)).toEqual(['error data-loss column public.collections.name', 'error data-loss column public.collections.updation_time', 'warning data-loss column public.tokens.updated_at']);
    expect(r.status).toBe('fail');
  });
});
