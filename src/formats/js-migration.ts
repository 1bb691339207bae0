/**
 * What the Node migration tools (knex, node-pg-migrate) need from a migration module, read from
 * its source without loading it: whether it exports a `down`, whether that down does nothing,
 * whether it is `false` (node-pg-migrate's documented "irreversible"), and on which line. Pure.
 */

/** Source with comments blanked (same length and lines), for structural checks only. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(^|[^:'"\\])\/\/[^\n]*/g, (m, lead: string | undefined) => (lead ?? '') + m.slice((lead ?? '').length).replace(/[^\n]/g, ' '));
}

const DOWN_EXPORT = [
  /\b(?:module\.)?exports\.down\s*=/,
  /\bexport\s+(?:async\s+)?function\s*\*?\s*down\s*\(/,
  /\bexport\s+(?:const|let|var)\s+down\b/,
  /\bmodule\.exports\s*=\s*\{[^}]*\bdown\b/,
  /\bexport\s*\{[^}]*\bdown\b[^}]*\}/,
  /\bexport\s+default\s*\{[^}]*\bdown\b/,
];

export interface JsDown {
  /** 1-based line where the down is defined. */
  line: number;
  /** `exports.down = false`: declared irreversible (node-pg-migrate). */
  declaredFalse: boolean;
  /** The down's body is empty: it would "succeed" without undoing anything. */
  empty: boolean;
}

/** How the module defines its down; undefined when it exports none. */
export function readJsDown(source: string): JsDown | undefined {
  const code = withoutComments(source);
  let index = -1;
  for (const re of DOWN_EXPORT) {
    const m = re.exec(code);
    if (m && (index < 0 || m.index < index)) index = m.index;
  }
  if (index < 0) return undefined;
  const line = code.slice(0, index).split('\n').length;
  const rest = code.slice(index);
  const declaredFalse = /^(?:module\.)?(?:exports\.down|export\s+(?:const|let|var)\s+down)\s*=\s*false\b/.test(rest);
  const empty =
    /^(?:(?:module\.)?exports\.down|export\s+(?:const|let|var)\s+down)\s*=\s*(?:async\s+)?(?:function\s*\w*\s*\([^)]*\)|\([^)]*\)\s*=>|\w+\s*=>)\s*\{\s*\}/.test(rest) ||
    // (TypeScript: `export async function down(knex: Knex): Promise<void> {}`.)
    /^export\s+(?:async\s+)?function\s*down\s*\([^)]*\)\s*(?::\s*[\w<>.[\], |]+)?\{\s*\}/.test(rest);
  return { line, declaredFalse, empty };
}

/** 1-based line of the module's `up`, for locating the up step. */
export function jsUpLine(source: string): number | undefined {
  const m = /\b(?:module\.)?exports\.up\s*=|\bexport\s+(?:async\s+)?function\s*up\s*\(|\bexport\s+(?:const|let|var)\s+up\b/.exec(withoutComments(source));
  return m ? source.slice(0, m.index).split('\n').length : undefined;
}

/** File extensions the Node tools load as migrations. */
export const JS_EXTENSIONS = /\.(?:js|cjs|mjs|ts|cts|mts)$/;
