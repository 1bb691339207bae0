/**
 * `--fix` for the formats whose down is code: the verified SQL goes into the down as the
 * framework's own "run this SQL" call, after what the down already does (the trial ran the
 * author's down first, then the SQL — src/verify/suggest.ts):
 * - TypeORM: `await queryRunner.query(...)` at the end of `down()`;
 * - Sequelize: `await queryInterface.sequelize.query(...)` at the end of `down()`;
 * - Laravel: `DB::statement('...')` at the end of `down()` (and the `DB` facade imported);
 * - Rails: `execute <<~'SQL'` at the end of `def down` (a `change` migration is reverted by
 *   replaying it backwards, where an appended step would run first: not written);
 * - Django: a `RunSQL(noop, reverse_sql=[...])` as the FIRST operation, because unapplying runs
 *   the operations backwards, so it runs last, after the author's reverse steps.
 * Pure text transformations; what cannot be placed safely returns a reason instead.
 */
import { FIX_HEADER, pythonString, type FixContent } from './fix-text.js';

/** The result of a code edit: the new text, or why it cannot be made. */
export type CodeEdit = { after: string } | { unsupported: string };

const HEADER_TEXT = FIX_HEADER.replace(/^--\s*/, '');

/** A JavaScript template literal holding `text` exactly. */
function jsTemplate(text: string): string {
  return `\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/** A PHP single-quoted string holding `text` exactly. */
function phpString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The index of the `}` closing the block whose `{` is at `open`, skipping strings and comments
 * (', ", ` strings; // and /* comments; PHP's # comments when `hash` is set).
 */
export function closingBrace(text: string, open: number, hash = false): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (hash && c === '#') i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) < 0 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === '"' || c === "'" || c === '`') i = stringEnd(text, i, c);
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end;
}

function stringEnd(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
    else if (quote === '`' && text[i] === '$' && text[i + 1] === '{') {
      const close = closingBrace(text, i + 1);
      if (close === undefined) return text.length;
      i = close;
    }
  }
  return text.length;
}

/** Inserts `lines` (already indented) at the end of the block opened by the header `re` matches. */
function appendToBlock(before: string, re: RegExp, make: (m: RegExpExecArray, indent: string) => string[], what: string, hash = false): CodeEdit {
  const m = re.exec(before);
  if (!m) return { unsupported: `found no ${what} to add the SQL to; paste it into the down by hand` };
  const open = before.indexOf('{', m.index + m[0].length - 1);
  const close = open < 0 ? undefined : closingBrace(before, open, hash);
  if (close === undefined) return { unsupported: `could not find where ${what} ends; paste the SQL into it by hand` };
  const lineStart = before.lastIndexOf('\n', m.index) + 1;
  const outer = /^\s*/.exec(before.slice(lineStart))![0];
  const body = before.slice(open + 1, close);
  const bodyIndent = /\n([ \t]+)\S/.exec(body)?.[1] ?? `${outer}    `;
  const head = before.slice(0, close).replace(/[ \t]*$/, '');
  const lines = make(m, bodyIndent);
  const closingIndent = /[ \t]*$/.exec(before.slice(0, close))![0];
  return { after: `${head.replace(/\s*$/, '')}\n${lines.join('\n')}\n${closingIndent}${before.slice(close)}` };
}

/** TypeORM: `await queryRunner.query(...)` calls at the end of `down(queryRunner)`. */
export function fillTypeormDown(before: string, content: FixContent): CodeEdit {
  return appendToBlock(
    before,
    /(?:public\s+)?async\s+down\s*\(\s*(\w+)[^)]*\)[^{]*\{/,
    (m, indent) => [`${indent}// ${HEADER_TEXT}`, ...content.statements.map((s) => `${indent}await ${m[1]}.query(${jsTemplate(s.sql)});`)],
    'async down() method',
  );
}

/** Sequelize: `await queryInterface.sequelize.query(...)` calls at the end of `async down(queryInterface)`. */
export function fillSequelizeDown(before: string, content: FixContent): CodeEdit {
  return appendToBlock(
    before,
    /(?:async\s+down\s*\(\s*(\w+)[^)]*\)\s*\{|down\s*:\s*async\s*(?:function\s*)?\(\s*(\w+)[^)]*\)\s*(?:=>\s*)?\{)/,
    (m, indent) => [`${indent}// ${HEADER_TEXT}`, ...content.statements.map((s) => `${indent}await ${m[1] ?? m[2]}.sequelize.query(${jsTemplate(s.sql)});`)],
    'async down() function',
  );
}

/** Laravel: `DB::statement('...')` calls at the end of `down()`, importing the DB facade when missing. */
export function fillLaravelDown(before: string, content: FixContent): CodeEdit {
  const edit = appendToBlock(
    before,
    /public\s+function\s+down\s*\([^)]*\)\s*(?::\s*\??\w+\s*)?\{/,
    (_m, indent) => [`${indent}// ${HEADER_TEXT}`, ...content.statements.map((s) => `${indent}DB::statement(${phpString(s.sql)});`)],
    'down() method',
    true,
  );
  if ('unsupported' in edit || /^use\s+Illuminate\\Support\\Facades\\DB\s*;/m.test(edit.after)) return edit;
  const uses = [...edit.after.matchAll(/^use\s+[^;]+;[^\n]*\n/gm)];
  const at = uses.length ? uses[uses.length - 1]!.index! + uses[uses.length - 1]![0].length : edit.after.indexOf('\n', edit.after.indexOf('<?php')) + 1;
  return { after: `${edit.after.slice(0, at)}use Illuminate\\Support\\Facades\\DB;\n${edit.after.slice(at)}` };
}

/** Rails: `execute <<~'SQL'` blocks at the end of `def down`. */
export function fillRailsDown(before: string, content: FixContent): CodeEdit {
  const lines = before.split('\n');
  const def = lines.findIndex((l) => /^\s*def\s+(self\.)?down\b/.test(l));
  if (def < 0) {
    const change = lines.some((l) => /^\s*def\s+change\b/.test(l));
    return {
      unsupported: change
        ? 'the migration is a `change` migration, which Rails reverts by replaying it backwards; write a `def down` (or a `reversible` block) with the SQL by hand'
        : 'found no `def down` to add the SQL to; paste it into the down by hand',
    };
  }
  const indent = /^\s*/.exec(lines[def]!)![0];
  if (/\bend\s*$/.test(lines[def]!.replace(/#.*$/, '')) && /;/.test(lines[def]!)) return { unsupported: 'the down is a one-line method; paste the SQL into it by hand' };
  let end = def + 1;
  while (end < lines.length && !(lines[end]!.startsWith(`${indent}end`) && /^\s*end\b/.test(lines[end]!) && /^\s*/.exec(lines[end]!)![0] === indent)) end++;
  if (end >= lines.length) return { unsupported: 'could not find where `def down` ends; paste the SQL into it by hand' };
  const inner = `${indent}  `;
  const added = [`${inner}# ${HEADER_TEXT}`];
  for (const s of content.statements) {
    if (s.sql.includes('\nSQL')) return { unsupported: 'the SQL holds a line that would end its heredoc; paste it by hand' };
    added.push(`${inner}execute <<~'SQL'`, ...s.sql.split('\n').map((l) => (l ? `${inner}  ${l}` : '')), `${inner}SQL`);
  }
  let last = end;
  while (last > def + 1 && lines[last - 1]!.trim() === '') last--;
  lines.splice(last, 0, ...added);
  return { after: lines.join('\n') };
}

/** Django: a first operation `RunSQL(noop, reverse_sql=[...])`, which unapplying runs last. */
export function fillDjangoOperations(before: string, content: FixContent): CodeEdit {
  const m = /^([ \t]*)operations\s*=\s*\[[ \t]*\n/m.exec(before);
  if (!m) return { unsupported: 'found no `operations = [` list to add the SQL to; add a RunSQL with reverse_sql by hand' };
  const indent = `${m[1]}    `;
  const call = [
    `${indent}# ${HEADER_TEXT}`,
    `${indent}migrations.RunSQL(`,
    `${indent}    sql=migrations.RunSQL.noop,`,
    `${indent}    reverse_sql=[`,
    ...content.statements.map((s) => `${indent}        ${pythonString(s.sql)},`),
    `${indent}    ],`,
    `${indent}),`,
  ];
  const at = m.index + m[0].length;
  return { after: `${before.slice(0, at)}${call.join('\n')}\n${before.slice(at)}` };
}
