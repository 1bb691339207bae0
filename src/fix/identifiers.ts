/**
 * Identifier helpers for generated SQL. Snapshot names are already `quote_ident`-quoted and
 * schema-qualified (the snapshot runs with search_path = pg_catalog), so generated statements reuse
 * them as they are; these helpers split them, and quote the few names the generator makes up.
 */

/** The parts of a dotted name, each kept in its quoted form: `public."Mixed"."a.b"` → 3 parts. */
export function splitQualified(name: string): string[] {
  const parts: string[] = [];
  let i = 0;
  let start = 0;
  while (i < name.length) {
    const c = name[i]!;
    if (c === '"') {
      i++;
      while (i < name.length) {
        if (name[i] === '"') {
          if (name[i + 1] === '"') i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '.') {
      parts.push(name.slice(start, i));
      start = ++i;
    } else i++;
  }
  parts.push(name.slice(start));
  return parts;
}

/** The raw text of one identifier part: `"Mixed ""x"""` → `Mixed "x"`, `users` → `users`. */
export function unquoteIdent(part: string): string {
  if (part.startsWith('"') && part.endsWith('"') && part.length >= 2) return part.slice(1, -1).replace(/""/g, '"');
  return part;
}

/**
 * `quote_ident` for names the generator invents from existing ones: left bare when PostgreSQL
 * would (lower case, no special characters, not a keyword it reserves).
 */
export function quoteIdent(raw: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(raw) && !RESERVED.has(raw)) return raw;
  return `"${raw.replace(/"/g, '""')}"`;
}

/** The schema part of a qualified name (`public` of `public.users`), quoted form. */
export function schemaOf(name: string): string {
  return splitQualified(name)[0]!;
}

/** The last part of a qualified name, quoted form. */
export function lastPart(name: string): string {
  const parts = splitQualified(name);
  return parts[parts.length - 1]!;
}

/** Everything but the last part: `public.users` of `public.users.email`. */
export function withoutLastPart(name: string): string {
  const parts = splitQualified(name);
  return parts.slice(0, -1).join('.');
}

/**
 * Keywords `quote_ident` quotes (PostgreSQL's reserved, type/function-name and column-name
 * keywords). Only consulted for names the generator derives, which are rare.
 */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char ' +
    'character check coalesce collate collation column concurrently constraint create cross current_catalog current_date ' +
    'current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do ' +
    'else end except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike ' +
    'in initially inner inout int integer intersect interval into is isnull join json json_array json_arrayagg json_exists ' +
    'json_object json_objectagg json_query json_scalar json_serialize json_table json_value lateral leading least left like ' +
    'limit localtime localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset ' +
    'on only or order out outer overlaps overlay placing position precision primary real references returning right row ' +
    'select session_user setof similar smallint some substring symmetric system_user table tablesample then time timestamp ' +
    'to trailing treat trim true union unique user using values varchar variadic verbose when where window with xmlattributes ' +
    'xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);
