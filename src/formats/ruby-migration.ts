/**
 * Reads an Active Record migration file without running Ruby: where its `change`, `up` and
 * `down` methods are and what their bodies hold, by the indentation Rails' generators and every
 * style guide use (`def` and its `end` at the same column). Pure.
 */

/** One method of the migration class. */
export interface RubyMethod {
  /** 1-based line of `def`. */
  line: number;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
}

export interface RubyMigration {
  change?: RubyMethod;
  up?: RubyMethod;
  down?: RubyMethod;
}

const DEF = /^(\s*)def\s+(?:self\.)?(change|up|down)\b\s*(?:\(\s*\))?\s*(;.*)?$/;

/** The migration's change/up/down methods (instance or class methods, the first of each). */
export function readRubyMigration(content: string): RubyMigration {
  const lines = content.split(/\r?\n/);
  const out: RubyMigration = {};
  for (let i = 0; i < lines.length; i++) {
    const m = DEF.exec(lines[i]!);
    if (!m) continue;
    const name = m[2] as keyof RubyMigration;
    if (out[name]) continue;
    // `def down; raise ActiveRecord::IrreversibleMigration; end` on one line.
    const inline = m[3] ? /^;\s*(.*?)\s*;?\s*end\s*$/.exec(m[3]) : null;
    if (inline) {
      out[name] = { line: i + 1, body: inline[1]!, bodyLine: i + 1 };
      continue;
    }
    const indent = m[1]!;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^${indent}end\\b`).test(lines[end]!)) end++;
    out[name] = { line: i + 1, body: lines.slice(i + 1, end).join('\n'), bodyLine: i + 2 };
  }
  return out;
}

/** True when a body does nothing: only blank lines and comments. */
export function isEmptyRubyBody(body: string): boolean {
  return body.split('\n').every((l) => l.replace(/#.*$/, '').trim() === '');
}

/** The 1-based file line of a `raise ActiveRecord::IrreversibleMigration` in the method, if any. */
export function irreversibleLine(method: RubyMethod): number | undefined {
  const i = method.body.split('\n').findIndex((l) => /^\s*[^#]*\braise\s+(?:::)?(?:ActiveRecord::)?IrreversibleMigration\b/.test(l));
  return i < 0 ? undefined : method.bodyLine + i;
}
