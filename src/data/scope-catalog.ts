/**
 * The parts of the catalog that widen what a migration reaches beyond the tables it names
 * (seed-scope.ts): views and the relations they read, user routines' bodies, and user triggers'
 * function bodies. One round trip.
 */
import type pg from 'pg';
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
    WHERE NOT t.tgisinternal) AS triggers`;

/** Tables, views, routines and triggers, as seedScope needs them. */
export async function readScopeCatalog(client: pg.ClientBase): Promise<ScopeCatalog> {
  const tables = await readTables(client);
  const { rows } = await client.query<{ views: ViewInfo[]; routines: RoutineInfo[]; triggers: TriggerInfo[] }>(SQL);
  return { tables, ...rows[0]! };
}
