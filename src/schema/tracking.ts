/**
 * Change tracking in the scratch database: two event triggers (`ddl_command_end`, `sql_drop`) that
 * log, for every DDL command of any session, the unit (units.ts) of each object it created, altered
 * or dropped, into a table of ours. Logged rows carry the writing transaction's id, so a reader
 * asks "what did transactions since horizon H touch" across sessions, transactions and tools, and
 * a rolled-back command leaves no row, exactly as it leaves no catalog change.
 *
 * The log is what the catalogs cannot say after the fact: which objects were *dropped* (their rows
 * are gone), and changes that live only in pg_depend (`ALTER SEQUENCE ... OWNED BY NONE`). Inserted
 * and updated catalog rows are found by their xmin (changes.ts), which also covers what fires no
 * event trigger. A dropped part is mapped to its unit while it is dropped (`sql_drop` runs before
 * the parent could go away): by its address names for table-scoped parts, by its publication for
 * publication entries; a dropped index or statistics object names no table, so the reader maps its
 * name through the snapshot it patches (incremental.ts).
 *
 * Everything lives in TRACKING_SCHEMA, which snapshots leave out. Creating event triggers needs a
 * superuser: `installChangeTracking` reports when it cannot, and the caller stays with full snapshots.
 */
import type pg from 'pg';
import { sql } from './snapshot-sql-common.js';
import { TRACKING_SCHEMA } from './tracking-schema.js';
import { catalog, unitOfSql } from './units.js';

const S = TRACKING_SCHEMA;
/** The log table. */
export const CHANGE_LOG = `${S}.changes`;
/** Event trigger names (database-wide objects, so prefixed like the schema). */
export const EVENT_TRIGGERS = { end: `${S}_ddl_command_end`, drop: `${S}_sql_drop` } as const;

/** The unit of an object being dropped, from what pg_event_trigger_dropped_objects says of it. */
const DROPPED_PARENT = sql`
  SELECT CASE
      WHEN d.objsubid <> 0 THEN d.classid
      WHEN d.object_type IN ('table constraint', 'trigger', 'rule', 'policy', 'default value') THEN ${catalog('pg_class')}
      WHEN d.object_type = 'domain constraint' THEN ${catalog('pg_type')}
      WHEN d.object_type IN ('publication relation', 'publication namespace') THEN ${catalog('pg_publication')}
      ELSE d.classid END AS c,
    CASE
      WHEN d.objsubid <> 0 THEN d.objid
      WHEN d.object_type IN ('table constraint', 'trigger', 'rule', 'policy', 'default value')
        THEN to_regclass(quote_ident(d.address_names[1]) || '.' || quote_ident(d.address_names[2]))::oid
      WHEN d.object_type = 'domain constraint' THEN to_regtype(d.address_names[1])::oid
      WHEN d.object_type IN ('publication relation', 'publication namespace')
        THEN (SELECT p.oid FROM pg_catalog.pg_publication p WHERE p.pubname = d.address_args[1])
      ELSE d.objid END AS o`;

/** The SQL that installs tracking (again: it replaces what an earlier install left). */
export function trackingInstallSql(): string {
  const logged = (event: string, source: string) => sql`
BEGIN
  INSERT INTO ${CHANGE_LOG} (event, tag, object_type, identity, uclass, uoid, gone)
  ${source};
  IF NOT FOUND THEN
    -- A DROP logs its objects from sql_drop; ddl_command_end still records that the command ran.
    INSERT INTO ${CHANGE_LOG} (event, tag) VALUES ('${event}', tg_tag);
  END IF;
EXCEPTION WHEN OTHERS THEN
  -- Tracking must never fail a user's migration. A lost record makes the next read a full one.
  BEGIN
    INSERT INTO ${CHANGE_LOG} (event, tag) VALUES ('lost', tg_tag);
  EXCEPTION WHEN OTHERS THEN NULL;
  END;
END`;
  const endBody = logged(
    'end',
    sql`SELECT 'end', c.command_tag, c.object_type, c.object_identity, u.uclass, u.uoid, false
  FROM pg_catalog.pg_event_trigger_ddl_commands() c
  LEFT JOIN LATERAL (SELECT cu.uclass, cu.uoid FROM ${unitOfSql('c.classid', 'c.objid', 'cu')}) u ON c.classid IS NOT NULL`,
  );
  const dropBody = logged(
    'drop',
    sql`SELECT 'drop', tg_tag, d.object_type, d.object_identity,
    CASE WHEN d.object_type NOT IN ('index', 'statistics object') THEN u.uclass END,
    CASE WHEN d.object_type NOT IN ('index', 'statistics object') THEN u.uoid END,
    -- The unit is the dropped object itself: only worth re-reading if a snapshot shows it.
    u.uclass = d.classid AND u.uoid = d.objid
  FROM pg_catalog.pg_event_trigger_dropped_objects() d
  LEFT JOIN LATERAL (SELECT du.uclass, du.uoid FROM (${DROPPED_PARENT}) dp, ${unitOfSql('dp.c', 'dp.o', 'du')} WHERE dp.o IS NOT NULL) u ON true`,
  );
  const fn = (name: string, body: string) => sql`
CREATE OR REPLACE FUNCTION ${S}.${name}() RETURNS event_trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $rv_tracking$
${body}
$rv_tracking$`;
  // Recreated from scratch: an older layout must not survive, and the log only matters from the
  // snapshot taken after installing (a reinstall follows a full read anyway).
  return sql`
DROP SCHEMA IF EXISTS ${S} CASCADE;
CREATE SCHEMA ${S};
REVOKE ALL ON SCHEMA ${S} FROM PUBLIC;
CREATE UNLOGGED TABLE ${CHANGE_LOG} (
  xid pg_catalog.xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
  event text NOT NULL,
  tag text NOT NULL,
  object_type text,
  identity text,
  uclass oid,
  uoid oid,
  gone boolean
);
CREATE INDEX changes_xid_idx ON ${CHANGE_LOG} (xid);
${fn('ddl_command_end', endBody)};
${fn('sql_drop', dropBody)};
CREATE EVENT TRIGGER ${EVENT_TRIGGERS.end} ON ddl_command_end EXECUTE FUNCTION ${S}.ddl_command_end();
CREATE EVENT TRIGGER ${EVENT_TRIGGERS.drop} ON sql_drop EXECUTE FUNCTION ${S}.sql_drop();
-- ALWAYS: a session with session_replication_role = replica (some data loaders set it) still logs.
ALTER EVENT TRIGGER ${EVENT_TRIGGERS.end} ENABLE ALWAYS;
ALTER EVENT TRIGGER ${EVENT_TRIGGERS.drop} ENABLE ALWAYS;`;
}

/** Whether tracking could be installed, and if not why (the caller then takes full snapshots). */
export type TrackingStatus = { installed: true } | { installed: false; reason: string };

/**
 * Installs change tracking in the connected database (or reinstalls it). Needs a superuser (event
 * triggers); any other failure is reported, not thrown, so a run can go on with full snapshots.
 */
export async function installChangeTracking(client: pg.ClientBase): Promise<TrackingStatus> {
  const { rows } = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user');
  if (!rows[0]?.rolsuper) return { installed: false, reason: 'event triggers need a superuser, and the connected role is not one' };
  try {
    // One transaction: a half-installed tracker would log nothing and look intact.
    await client.query(`BEGIN;\n${trackingInstallSql()}\nCOMMIT;`);
    return { installed: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    return { installed: false, reason: `cannot install change tracking: ${(err as Error).message}` };
  }
}

/** Removes change tracking (its event triggers go with their functions). */
export async function removeChangeTracking(client: pg.ClientBase): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
}

/**
 * SQL that is true while tracking is intact: the log table exists and both event triggers exist,
 * call our functions and are enabled ALWAYS. A migration may drop schemas it does not know or
 * disable event triggers; then nothing it does can be trusted to have been logged.
 */
export const TRACKING_INTACT_SQL = sql`(
  to_regclass('${CHANGE_LOG}') IS NOT NULL
  AND (SELECT count(*) FROM pg_catalog.pg_event_trigger et
       JOIN pg_catalog.pg_proc p ON p.oid = et.evtfoid
       JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
       WHERE et.evtname IN ('${EVENT_TRIGGERS.end}', '${EVENT_TRIGGERS.drop}')
         AND n.nspname = '${S}' AND et.evtenabled = 'A') = 2)`;
