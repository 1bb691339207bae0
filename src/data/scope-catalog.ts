/**
 * The parts of the catalog that widen what a migration reaches beyond the tables it names
 * (seed-scope.ts): views and the relations they read, user routines' bodies, and user triggers'
 * function bodies. One round trip.
 */
import type pg from 'pg';
import { TRACKING_SCHEMA } from '../schema/tracking-schema.js';
import { readTables } from './catalog.js';
import type { RoutineInfo, ScopeCatalog, TriggerInfo, ViewInfo } from './seed-scope.js';

const SQL = `
SELECT
  (SELECT coalesce(json_agg(json_build_object('schema', n.nspname, 'name', v.relname, 'uses',
      (SELECT coalesce(json_agg(DISTINCT un.nspname || '.' || u.relname), '[]')
         FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
           AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
         JOIN pg_class u ON u.oid = d.refobjid JOIN pg_namespace un ON un.oid = u.relnamespace
        WHERE r.ev_class = v.oid))), '[]')
     FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
    WHERE v.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')) AS views,
  (SELECT coalesce(json_agg(json_build_object('name', p.proname, 'body', p.prosrc)), '[]')
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND p.prolang NOT IN (SELECT oid FROM pg_language WHERE lanname IN ('c', 'internal'))) AS routines,
  (SELECT coalesce(json_agg(json_build_object('relation', n.nspname || '.' || c.relname, 'body', p.prosrc)), '[]')
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal) AS triggers,
  -- Rules that write (ON INSERT/UPDATE/DELETE … DO ALSO/INSTEAD …) act like triggers.
  (SELECT coalesce(json_agg(json_build_object('relation', n.nspname || '.' || c.relname, 'body', pg_get_ruledef(r.oid))), '[]')
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE r.ev_type <> '1' AND n.nspname NOT IN ('pg_catalog', 'information_schema')) AS rules,
  -- Event triggers fire on any DDL a migration runs (not the run's own change tracking).
  (SELECT coalesce(json_agg(json_build_object('relation', '*', 'body', p.prosrc)), '[]')
     FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid
    WHERE e.evtenabled <> 'D' AND p.pronamespace <> coalesce(to_regnamespace('${TRACKING_SCHEMA}')::oid, 0::oid)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e')) AS events,
  -- A leaf partition named by a statement holds rows of its root; an inheritance parent's
  -- statements reach its children's rows.
  (SELECT coalesce(json_agg(json_build_object('parent', pn.nspname || '.' || p.relname, 'child', cn.nspname || '.' || c.relname,
      'partition', c.relispartition, 'root', rn.nspname || '.' || r.relname, 'schema', cn.nspname, 'name', c.relname)), '[]')
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
     JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
     JOIN pg_class r ON r.oid = coalesce(pg_partition_root(c.oid), c.oid) JOIN pg_namespace rn ON rn.oid = r.relnamespace) AS inherits`;

/** Tables, views, routines and triggers, as seedScope needs them. */
export async function readScopeCatalog(client: pg.ClientBase): Promise<ScopeCatalog> {
  const tables = await readTables(client);
  const { rows } = await client.query<{
    views: ViewInfo[];
    routines: RoutineInfo[];
    triggers: TriggerInfo[];
    rules: TriggerInfo[];
    events: TriggerInfo[];
    inherits: Array<{ parent: string; child: string; partition: boolean; root: string; schema: string; name: string }>;
  }>(SQL);
  const r = rows[0]!;
  // A leaf partition reads as a view over its root (naming it reaches the root's rows).
  const leaves: ViewInfo[] = r.inherits.filter((i) => i.partition).map((i) => ({ schema: i.schema, name: i.name, uses: [i.root] }));
  return {
    tables,
    views: [...r.views, ...leaves],
    routines: r.routines,
    triggers: [...r.triggers, ...r.rules, ...r.events],
    inheritance: r.inherits.filter((i) => !i.partition).map((i) => ({ parent: i.parent, child: i.child })),
  };
}
