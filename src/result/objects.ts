/**
 * How problems name schema objects (`index public.orders_status_idx`, `column public.users.email`,
 * `function public.f(integer)`), taken apart for short report wording and for matching a name in
 * a PostgreSQL error message. Pure string work; the names come from the snapshot (quote_ident).
 */

/** Object kinds of more than one word, which a split on the first space would cut. */
const MULTI_WORD_KINDS = ['materialized view', 'default privileges', 'event trigger'];

/** `{ kind: 'index', name: 'public.orders_status_idx' }` from a problem's `object`. */
export function splitObject(display: string): { kind: string; name: string } {
  const multi = MULTI_WORD_KINDS.find((k) => display.startsWith(`${k} `));
  if (multi) return { kind: multi, name: display.slice(multi.length + 1) };
  const space = display.indexOf(' ');
  return space < 0 ? { kind: '', name: display } : { kind: display.slice(0, space), name: display.slice(space + 1) };
}

/**
 * The dotted parts of a qualified name, each as written (`"Odd.Name"` stays one part). A routine's
 * argument list stays on its last part.
 */
export function nameParts(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    if (c === '.' && !quoted && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** A name part as PostgreSQL prints it in messages: quotes removed, `""` → `"`, no argument list. */
export function bareName(part: string): string {
  const noArgs = part.startsWith('"') ? part : part.replace(/\(.*$/, '');
  return noArgs.startsWith('"') && noArgs.endsWith('"') ? noArgs.slice(1, -1).replace(/""/g, '"') : noArgs;
}

/** `users.email` for `public.users.email`: the default schema is how people leave names. */
export function withoutPublic(name: string): string {
  return name.startsWith('public.') ? name.slice('public.'.length) : name;
}

/** `index orders_status_idx` for `index public.orders_status_idx`. */
export function shortObject(display: string): string {
  const { kind, name } = splitObject(display);
  return kind ? `${kind} ${withoutPublic(name)}` : withoutPublic(name);
}

/**
 * The statement that removes an added object, for help text (`DROP INDEX public.x;`), or
 * undefined for kinds without one simple statement.
 */
export function dropStatement(display: string): string | undefined {
  const { kind, name } = splitObject(display);
  const parts = nameParts(name);
  const onTable = () => ({ table: parts.slice(0, -1).join('.'), own: parts[parts.length - 1]! });
  switch (kind) {
    case 'table':
    case 'view':
    case 'materialized view':
    case 'index':
    case 'sequence':
    case 'type':
    case 'domain':
    case 'function':
    case 'procedure':
    case 'aggregate':
    case 'schema':
    case 'extension':
    case 'statistics':
    case 'collation':
      return `DROP ${kind.toUpperCase()} ${name};`;
    case 'column': {
      const { table, own } = onTable();
      return `ALTER TABLE ${table} DROP COLUMN ${own};`;
    }
    case 'constraint': {
      const { table, own } = onTable();
      return `ALTER TABLE ${table} DROP CONSTRAINT ${own};`;
    }
    case 'trigger':
    case 'policy':
    case 'rule': {
      const { table, own } = onTable();
      return `DROP ${kind.toUpperCase()} ${own} ON ${table};`;
    }
    default:
      return undefined;
  }
}
