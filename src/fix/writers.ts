/**
 * `--fix`: puts a verified down into a migration, in its format's own layout, as a pure text
 * transformation (the write itself is write-file.ts):
 * - a down file of its own: append to it, or create it — golang-migrate and pop `.down.sql`,
 *   rollback-sql `.rollback.sql`, Prisma and diesel `down.sql`, a Flyway `U<version>__<desc>.sql`;
 * - a down section: fill `-- migrate:down` (dbmate) or `-- +goose Down` (goose, with
 *   StatementBegin/End around statements goose's splitter would cut);
 * - code: Alembic's `downgrade()` gets `op.execute(...)` calls (replacing a `pass` body);
 * - Sqitch: the change's revert script, inside its BEGIN … COMMIT.
 * Every result must parse with the format's own parser and show the new down (tests check it).
 */
import type { FormatName } from '../formats/names.js';
import { endsWithSemicolon } from '../formats/goose-parser.js';
import type { Migration } from '../formats/types.js';
import { renderStatements } from './order.js';

export { FIX_HEADER, pythonString, type FixContent } from './fix-text.js';
import { FIX_HEADER, pythonString, type FixContent } from './fix-text.js';
import { fillDjangoOperations, fillLaravelDown, fillRailsDown, fillSequelizeDown, fillTypeormDown, type CodeEdit } from './code-writers.js';

/** The formats whose down is framework code (code-writers.ts). */
const CODE_WRITERS: Record<'typeorm' | 'sequelize' | 'laravel' | 'rails' | 'django', (before: string, content: FixContent) => CodeEdit> = {
  typeorm: fillTypeormDown,
  sequelize: fillSequelizeDown,
  laravel: fillLaravelDown,
  rails: fillRailsDown,
  django: fillDjangoOperations,
};

/** The edit `--fix` makes: one file, relative to the migrations directory. */
export interface FixEdit {
  path: string;
  /** The file's content when the run read it; undefined when the file is new. */
  before?: string;
  after: string;
}

/** Statements as SQL text, `;`-terminated, notes as comments above them. */
export function statementsText(content: FixContent): string {
  return renderStatements(content.statements);
}

/**
 * Where and how `--fix` writes `content` into `migration`. `read` returns a file's content as the
 * run read it (relative to the migrations directory), undefined when it does not exist. Returns a
 * reason instead when the format keeps its down somewhere `--fix` cannot write (JavaScript code).
 */
export function planFixEdit(
  format: FormatName,
  migration: Migration,
  content: FixContent,
  read: (path: string) => string | undefined,
): FixEdit | { unsupported: string } {
  const upPath = migration.files[0]!;
  // The down's own file when the migration has one (its display path ends with the relative path).
  const downFile = migration.down
    ? migration.files.find((f) => migration.down!.file === f || migration.down!.file.endsWith(`/${f}`))
    : undefined;
  const withFile = (path: string, transform: (before: string | undefined) => string): FixEdit => {
    const before = read(path);
    return { path, ...(before !== undefined ? { before } : {}), after: transform(before) };
  };
  switch (format) {
    case 'golang-migrate':
    case 'pop': {
      const down = migration.files.find((f) => /\.down\.[^/]+$/.test(f)) ?? upPath.replace(/\.up\.([^./]+)$/, '.down.$1');
      return withFile(down, (before) => appendSql(before, content));
    }
    case 'rollback-sql': {
      const down = migration.files.find((f) => f.endsWith('.rollback.sql')) ?? upPath.replace(/\.sql$/, '.rollback.sql');
      return withFile(down, (before) => appendSql(before, content));
    }
    case 'prisma':
    case 'diesel': {
      const folder = upPath.slice(0, upPath.lastIndexOf('/') + 1);
      return withFile(`${folder}down.sql`, (before) => appendSql(before, content));
    }
    case 'flyway': {
      const down = migration.files.find((f) => /(^|\/)U[^/]*$/.test(f) && !f.endsWith('.conf')) ?? upPath.replace(/(^|\/)V([^/]*)$/, '$1U$2');
      return withFile(down, (before) => appendSql(before, content));
    }
    case 'dbmate':
      return withFile(upPath, (before) => fillDbmateDown(before ?? '', content));
    case 'goose':
      return withFile(upPath, (before) => fillGooseDown(before ?? '', content));
    case 'alembic':
      return withFile(upPath, (before) => fillAlembicDowngrade(before ?? '', content));
    case 'sqitch': {
      const revert = downFile ?? migration.files.find((f) => /(^|\/)revert\//.test(f)) ?? upPath.replace(/(^|\/)deploy\//, '$1revert/');
      if (revert === upPath) return { unsupported: `cannot tell where ${migration.name}'s revert script goes; add it to the revert directory by hand` };
      return withFile(revert, (before) => fillSqitchRevert(before, content, migration.name || migration.id));
    }
    case 'typeorm':
    case 'sequelize':
    case 'laravel':
    case 'rails':
    case 'django': {
      const before = read(upPath) ?? '';
      const edit = CODE_WRITERS[format](before, content);
      return 'unsupported' in edit ? edit : { path: upPath, before, after: edit.after };
    }
    default:
      return { unsupported: `${format} keeps its down in code; paste the SQL into the migration's down function by hand` };
  }
}

/** Appends the SQL to a down file (creating it when `before` is undefined). */
export function appendSql(before: string | undefined, content: FixContent): string {
  const block = `${FIX_HEADER}\n${statementsText(content)}\n`;
  if (before === undefined || before.trim() === '') return block;
  return `${before.replace(/\s*$/, '')}\n\n${block}`;
}

/** dbmate: the SQL goes at the end of the file, which is the last `-- migrate:down` section. */
export function fillDbmateDown(before: string, content: FixContent): string {
  if (!/^--\s*migrate:down(\s*$|\s+\S+)/m.test(before)) return `${before.replace(/\s*$/, '')}\n\n-- migrate:down\n${FIX_HEADER}\n${statementsText(content)}\n`;
  const trimmed = before.replace(/\s*$/, '');
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  const separator = /^--\s*migrate:down/.test(lastLine) ? '\n' : '\n\n';
  return `${trimmed}${separator}${FIX_HEADER}\n${statementsText(content)}\n`;
}

/**
 * goose: the Down section runs to the end of the file. goose ends a statement at any line ending in
 * `;` (it does not read dollar quotes), so a statement with such a line inside (a function body) is
 * wrapped in StatementBegin/StatementEnd.
 */
export function fillGooseDown(before: string, content: FixContent): string {
  const blocks = content.statements.map((s) => {
    const text = `${s.sql};`;
    const lines = text.split('\n');
    const cutInside = lines.slice(0, -1).some((l) => endsWithSemicolon(l));
    const body = cutInside ? `-- +goose StatementBegin\n${text}\n-- +goose StatementEnd` : text;
    return `${s.note ? `-- ${s.note}\n` : ''}${body}`;
  });
  const block = `${FIX_HEADER}\n${blocks.join('\n')}\n`;
  const trimmed = before.replace(/\s*$/, '');
  if (!/^--\s*\+goose\s+down\b/im.test(before)) return `${trimmed}\n\n-- +goose Down\n${block}`;
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  return `${trimmed}${/^--\s*\+goose\s+down\b/i.test(lastLine) ? '\n' : '\n\n'}${block}`;
}

/** Sqitch: inside the revert script's transaction, before its COMMIT; a new script gets Sqitch's template. */
export function fillSqitchRevert(before: string | undefined, content: FixContent, change: string): string {
  const block = `${FIX_HEADER}\n${statementsText(content)}`;
  if (before === undefined || before.trim() === '') return `-- Revert ${change} from pg\n\nBEGIN;\n\n${block}\n\nCOMMIT;\n`;
  const commit = /^\s*COMMIT\s*;\s*$/gim;
  let last: RegExpExecArray | undefined;
  for (let m = commit.exec(before); m; m = commit.exec(before)) last = m;
  if (!last) return `${before.replace(/\s*$/, '')}\n\n${block}\n`;
  const head = before.slice(0, last.index).replace(/\s*$/, '');
  return `${head}\n\n${block}\n\n${before.slice(last.index).replace(/^\s*/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// Alembic

/**
 * SQLAlchemy's text() reads `:name` as a bind parameter (TextClause's `(?<![:\w\\]):(\w+)(?!:)`);
 * op.execute passes strings through text(), so such colons are escaped as `\:`.
 */
function escapeBindParams(sql: string): string {
  return sql.replace(/(?<![:\w\\]):(\w+)(?!:)/g, '\\:$1');
}

/**
 * `op.execute(...)` lines (4-space indented) for the statements. A multi-line statement is one
 * string literal per line, concatenated by Python: every line of the file stays indented inside
 * downgrade() (a triple-quoted string would put SQL at column 0, where readers of the file, and
 * rollback-verify's own, see the function end), and the SQL keeps its exact text.
 */
export function alembicCalls(content: FixContent): string[] {
  const lines = [`    # ${FIX_HEADER.slice(3)}`];
  for (const s of content.statements) {
    if (s.note) lines.push(`    # ${s.note}`);
    const sql = escapeBindParams(s.sql);
    if (!sql.includes('\n')) {
      lines.push(`    op.execute(${pythonString(sql)})`);
      continue;
    }
    const parts = sql.split('\n');
    lines.push('    op.execute(');
    parts.forEach((part, i) => lines.push(`        ${pythonString(i < parts.length - 1 ? `${part}\n` : part)}`));
    lines.push('    )');
  }
  return lines;
}

/**
 * Alembic: `op.execute(...)` calls in `downgrade()`: they replace a body that does nothing (only
 * `pass`, `...`, comments or a docstring, which stay), or follow the existing body.
 */
export function fillAlembicDowngrade(before: string, content: FixContent): string {
  const newline = before.includes('\r\n') ? '\r\n' : '\n';
  const lines = before.split(/\r?\n/);
  const calls = alembicCalls(content);
  const def = lines.findIndex((l) => /^(?:async\s+)?def\s+downgrade\s*\(/.test(l));
  if (def < 0) {
    const out = [...trimEnd(lines), '', '', 'def downgrade() -> None:', ...calls, ''];
    return ensureOpImport(out).join(newline);
  }
  // As alembic-script.ts reads it: a one-line body after the colon, or the indented lines below.
  const inline = /^(.*\)\s*(?:->[^:]*)?:)\s*(\S.*)$/.exec(lines[def]!);
  if (inline && !inline[2]!.startsWith('#')) {
    const keep = /^(pass|\.\.\.)\s*(#.*)?$/.test(inline[2]!) ? [] : [`    ${inline[2]}`];
    lines.splice(def, 1, inline[1]!, ...keep, ...calls);
    return ensureOpImport(lines).join(newline);
  }
  let sig = def;
  while (sig < lines.length && !/\)\s*(?:->[^:]*)?:\s*(?:#.*)?$/.test(lines[sig]!)) sig++;
  let end = sig + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || /^\s/.test(lines[end]!) || lines[end]!.startsWith('#'))) end++;
  while (end > sig + 1 && (lines[end - 1]!.trim() === '' || lines[end - 1]!.startsWith('#'))) end--;
  const body = lines.slice(sig + 1, end);
  const noop = (l: string) => /^\s*(pass|\.\.\.)\s*(#.*)?$/.test(l);
  const doesNothing = body.every((l) => noop(l) || /^\s*(#.*)?$/.test(l) || /^\s*[rRuU]?("""|\'\'\')/.test(l) || inDocstring(body, l));
  const kept = doesNothing ? body.filter((l) => !noop(l)) : body;
  lines.splice(sig + 1, end - sig - 1, ...trimEnd(kept), ...calls);
  return ensureOpImport(lines).join(newline);
}

function trimEnd(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && out[out.length - 1]!.trim() === '') out.pop();
  return out;
}

/** True when `line` is inside a docstring of `body` (a rough test, enough for a do-nothing body). */
function inDocstring(body: string[], line: string): boolean {
  const text = body.join('\n');
  const at = text.indexOf(line);
  const before = text.slice(0, at);
  return ((before.match(/"""/g) ?? []).length + (before.match(/'''/g) ?? []).length) % 2 === 1;
}

/** Adds `from alembic import op` after the last top-level import when the file lacks it. */
function ensureOpImport(lines: string[]): string[] {
  if (lines.some((l) => /^from\s+alembic\s+import\s+(.*\b)?op\b/.test(l) || /^import\s+alembic\.op\b/.test(l))) return lines;
  let at = -1;
  lines.forEach((l, i) => {
    if (/^(import|from)\s/.test(l)) at = i;
  });
  const out = [...lines];
  out.splice(at + 1, 0, 'from alembic import op');
  return out;
}
