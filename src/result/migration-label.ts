/**
 * How every message names a migration: `000002_add_orders`, built from its id and name once, so a
 * tool whose id already is its name (a Sqitch change, an Alembic file named after its revision)
 * is not shown twice ("drop_users_drop_users").
 */

/** The migration's display name: the id, then the name when it adds something. */
export function migrationLabel(m: { id: string; name: string }): string {
  const name = m.name.trim();
  if (!name || name === m.id || m.id.startsWith(name)) return m.id;
  if (name.startsWith(`${m.id}_`) || name.startsWith(`${m.id}-`)) return name;
  return `${m.id}_${name}`;
}

/**
 * A format's `name` for a migration, given the file stem (or change name) it came from: the stem
 * without the id, wherever the id sits in it (`03_<rev>_add_x` → `03_add_x`); empty when nothing
 * but the id is left.
 */
export function nameWithoutId(stem: string, id: string): string {
  if (!id || stem === id) return '';
  const at = stem.indexOf(id);
  if (at < 0) return stem;
  const before = stem.slice(0, at).replace(/[_\-. ]+$/, '');
  const after = stem.slice(at + id.length).replace(/^[_\-. ]+/, '');
  return [before, after].filter(Boolean).join('_');
}
