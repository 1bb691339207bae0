/**
 * Reads an Alembic revision file without running Python: the module-level identifiers Alembic
 * itself reads (`revision`, `down_revision`, `branch_labels`, `depends_on`, in both the classic
 * `revision = 'abc'` and the typed `revision: str = "abc"` template spellings) and the bodies of
 * `upgrade()` and `downgrade()`. Pure.
 */
import { ConfigError } from '../errors.js';

/** A top-level function of the revision file. */
export interface PyFunction {
  /** 1-based line of `def`. */
  line: number;
  /** The body's source text (the lines after the signature). */
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
}

export interface RevisionScript {
  revision: string;
  downRevisions: string[];
  branchLabels: string[];
  dependsOn: string[];
  /** First line of the module docstring: the message given to `alembic revision -m`. */
  message?: string;
  upgrade?: PyFunction;
  downgrade?: PyFunction;
}

type PyValue = string | null | PyValue[];

/**
 * Parses one revision file; undefined when it assigns no `revision` (not a revision file).
 * ConfigError, naming the file and line, for an identifier whose value is not a literal.
 */
export function readRevisionScript(content: string, file: string): RevisionScript | undefined {
  const values = new Map<string, { value: PyValue; line: number }>();
  const assignment = /^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=\n]*)?=\s*/gm;
  for (let m = assignment.exec(content); m; m = assignment.exec(content)) {
    const line = lineAt(content, m.index);
    const parsed = parseLiteral(content, m.index + m[0].length);
    if (!parsed) throw new ConfigError(`${file}:${line}: ${m[1]} must be a string, a tuple of strings or None for rollback-verify to read the revision graph`);
    if (!values.has(m[1]!)) values.set(m[1]!, { value: parsed.value, line });
  }
  const rev = values.get('revision');
  if (!rev) return undefined;
  if (typeof rev.value !== 'string') throw new ConfigError(`${file}:${rev.line}: revision must be a string`);
  return {
    revision: rev.value,
    downRevisions: strings(values.get('down_revision')?.value),
    branchLabels: strings(values.get('branch_labels')?.value),
    dependsOn: strings(values.get('depends_on')?.value),
    ...docMessage(content),
    ...fn(content, 'upgrade'),
    ...fn(content, 'downgrade'),
  };
}

function strings(value: PyValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  return value.flatMap((v) => strings(v));
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A Python literal at `pos`: a string, None, or a tuple/list of them. */
function parseLiteral(text: string, pos: number): { value: PyValue; end: number } | undefined {
  const skip = (p: number, newlines: boolean) => {
    const ws = newlines ? /[ \t\r\n]/ : /[ \t]/;
    while (p < text.length && ws.test(text[p]!)) p++;
    return p;
  };
  const value = (p: number, inside: boolean): { value: PyValue; end: number } | undefined => {
    p = skip(p, inside);
    if (text.startsWith('None', p) && !/\w/.test(text[p + 4] ?? '')) return { value: null, end: p + 4 };
    const str = /^[rRuU]?("""|'''|"|')/.exec(text.slice(p, p + 4));
    if (str) {
      const quote = str[1]!;
      const start = p + str[0].length;
      const close = text.indexOf(quote, start);
      if (close < 0) return undefined;
      return { value: text.slice(start, close), end: close + quote.length };
    }
    const open = text[p];
    if (open === '(' || open === '[') {
      const closer = open === '(' ? ')' : ']';
      const items: PyValue[] = [];
      let q = skip(p + 1, true);
      while (text[q] !== closer) {
        const item = value(q, true);
        if (!item) return undefined;
        items.push(item.value);
        q = skip(item.end, true);
        if (text[q] === ',') q = skip(q + 1, true);
        else if (text[q] !== closer) return undefined;
      }
      // `("abc")` is a parenthesised string, `("abc",)` a tuple; both name one revision.
      return { value: items.length === 1 && open === '(' ? items[0]! : items, end: q + 1 };
    }
    return undefined;
  };
  return value(pos, false);
}

function docMessage(content: string): { message?: string } {
  const m = /^\s*(?:[rRuU]?("""|'''))\s*([^\n]*?)\s*(?:\1|\n)/.exec(content);
  return m && m[2] ? { message: m[2] } : {};
}

/** The top-level `def <name>(…):` and its body (indented lines up to the next top-level code). */
function fn(content: string, name: 'upgrade' | 'downgrade'): Partial<Record<'upgrade' | 'downgrade', PyFunction>> {
  const lines = content.split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`).test(l));
  if (start < 0) return {};
  // The signature may span lines; the body starts after the line that ends it with `:`.
  let sig = start;
  while (sig < lines.length && !/\)\s*(?:->[^:]*)?:\s*(?:#.*)?$/.test(lines[sig]!)) sig++;
  const inline = /\)\s*(?:->[^:]*)?:\s*(\S.*)$/.exec(lines[start]!);
  if (inline && !inline[1]!.startsWith('#')) {
    // `def downgrade(): pass` — a one-line body.
    return { [name]: { line: start + 1, body: inline[1]!, bodyLine: start + 1 } };
  }
  let end = sig + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || /^\s/.test(lines[end]!) || lines[end]!.startsWith('#'))) end++;
  // Trailing blank lines and comments belong to the gap before the next definition.
  while (end > sig + 1 && (lines[end - 1]!.trim() === '' || lines[end - 1]!.startsWith('#'))) end--;
  return { [name]: { line: start + 1, body: lines.slice(sig + 1, end).join('\n'), bodyLine: sig + 2 } };
}

/** True when a function body does nothing: only a docstring, comments, `pass` or `...`. */
export function isEmptyBody(body: string): boolean {
  const code = body
    .replace(/("""|''')[\s\S]*?\1/g, '')
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '' && l !== 'pass' && l !== '...');
  return code.length === 0;
}

/** The 1-based file line of a `raise NotImplementedError` in the body, if any. */
export function notImplementedLine(f: PyFunction): number | undefined {
  const i = f.body.split('\n').findIndex((l) => /^\s*raise\s+NotImplementedError\b/.test(l));
  return i < 0 ? undefined : f.bodyLine + i;
}
