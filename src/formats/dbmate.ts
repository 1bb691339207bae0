/**
 * dbmate: one file `<version>[_<name>].sql` per migration with `-- migrate:up` and
 * `-- migrate:down` sections.
 *
 * Followed (amacneil/dbmate):
 * - pkg/dbmate/db.go: files directly in the directory matching `^(\d+).*\.sql$`; the version
 *   is the leading digits; migrations run in file-name order (a string sort, not numeric).
 * - pkg/dbmate/migration.go: the directive regexps `(?m)^--\s*migrate:up(\s*$|\s+\S+)` and the
 *   down equivalent; a section runs from its directive line (the directive is a comment and is
 *   sent too) to the next directive; options such as `transaction:false` sit on the directive
 *   line. Errors: no up, no down, down before up, SQL before the first up, two downs in one
 *   up…down section. A file may repeat up/down sections; each runs on its own.
 * - pkg/dbmate/db.go Migrate/Rollback: each section's text is sent with one Exec (lib/pq, simple
 *   query) inside BEGIN/COMMIT (`wrap`), or without it when `transaction:false` — then it is
 *   still one message, so PostgreSQL's implicit transaction applies (`implicit`).
 *
 * Several sections in one file run as separate transactions; they are given as `statements`
 * (one message each) with transaction `none`, which replays exactly that.
 */
import { ConfigError } from '../errors.js';
import { collectMarkers, compareStrings, displayPath, isTopLevel, sqlScript, VersionClaims } from './common.js';
import type { Migration, MigrationFormat, SourceFile, SqlScript, SqlStatement } from './types.js';

const DBMATE_FILE = /^(\d+)(.*)\.sql$/;
const UP_DIRECTIVE = /^--\s*migrate:up(\s*$|\s+\S+)/m;
const DOWN_DIRECTIVE = /^--\s*migrate:down(\s*$|\s+\S+)/m;
const ANY_UP_DIRECTIVE = /^--\s*migrate:up(\s*$|\s+\S+)/gm;
const ANY_DOWN_DIRECTIVE = /^--\s*migrate:down(\s*$|\s+\S+)/gm;

interface Section {
  text: string;
  line: number;
  transaction: boolean;
}

/** True when a top-level numbered .sql file has a `-- migrate:up` directive. */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => isTopLevel(f.path) && DBMATE_FILE.test(f.path) && UP_DIRECTIVE.test(f.content));
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const claims = new VersionClaims(displayDir);
  const chosen = files
    .filter((f) => isTopLevel(f.path) && DBMATE_FILE.test(f.path))
    .sort((a, b) => compareStrings(a.path, b.path));
  return chosen.map((file) => {
    const [, version, rest] = DBMATE_FILE.exec(file.path)! as unknown as [string, string, string];
    // dbmate records the version string; two files with one version collide in schema_migrations.
    claims.claim(version, version, file.path);
    const shown = displayPath(displayDir, file.path);
    const sections = parseSections(file.content, shown);
    return {
      id: version,
      name: rest.replace(/^_/, ''),
      up: toScript(sections.map((s) => s.up), file, displayDir),
      down: toScript(sections.map((s) => s.down), file, displayDir),
      files: [file.path],
      markers: collectMarkers([file], displayDir),
    };
  });
}

function toScript(sections: Section[], file: SourceFile, displayDir: string): SqlScript {
  const first = sections[0]!;
  if (sections.length === 1) {
    return sqlScript({
      displayDir,
      path: file.path,
      text: first.text,
      line: first.line,
      transaction: first.transaction ? 'wrap' : 'implicit',
    });
  }
  const statements: SqlStatement[] = sections.map((s) => ({ sql: s.text, line: s.line }));
  return sqlScript({
    displayDir,
    path: file.path,
    text: sections.map((s) => s.text).join(''),
    line: first.line,
    transaction: 'none',
    statements,
  });
}

/** Splits a dbmate file into its up/down sections (pkg/dbmate/migration.go). */
function parseSections(content: string, shown: string): Array<{ up: Section; down: Section }> {
  const ups = [...content.matchAll(ANY_UP_DIRECTIVE)].map((m) => m.index);
  if (ups.length === 0) {
    throw new ConfigError(`${shown}: dbmate requires each migration to define an up block with '-- migrate:up'`);
  }
  const before = content.slice(0, ups[0]);
  if (before.split('\n').some((l) => !/^\s*$/.test(l) && !/^\s*--/.test(l))) {
    throw new ConfigError(`${shown}: dbmate does not support statements preceding the '-- migrate:up' block`);
  }
  return ups.map((start, i) => {
    const end = ups[i + 1] ?? content.length;
    const section = content.slice(start, end);
    const downs = [...section.matchAll(ANY_DOWN_DIRECTIVE)].map((m) => m.index);
    const startLine = lineOfIndex(content, start);
    if (downs.length === 0) {
      // dbmate refuses the whole file (ErrParseMissingDown), so the up would never run either.
      throw new ConfigError(`${shown}:${startLine}: dbmate requires each migration to define a down block with '-- migrate:down'`);
    }
    if (downs.length > 1) {
      throw new ConfigError(`${shown}:${startLine}: dbmate requires every '-- migrate:down' to be preceded by a '-- migrate:up'`);
    }
    const downAt = downs[0]!;
    const upText = section.slice(0, downAt);
    const downText = section.slice(downAt);
    return {
      up: { text: upText, line: startLine, transaction: transactionOption(upText) },
      down: { text: downText, line: lineOfIndex(content, start + downAt), transaction: transactionOption(downText) },
    };
  });
}

/**
 * dbmate's parseMigrationOptions: `key:value` pairs after the directive on its line; anything
 * but `transaction:false` keeps the transaction (malformed pairs are ignored by dbmate too).
 */
function transactionOption(section: string): boolean {
  const firstLine = section.split('\n', 1)[0]!.replace(/^--\s*migrate:(up|down)/, '').trim();
  const options = new Map<string, string>();
  for (const pair of firstLine === '' ? [] : firstLine.split(/\s+/)) {
    const parts = pair.split(':');
    if (parts.length === 2) options.set(parts[0]!, parts[1]!);
  }
  return options.get('transaction') !== 'false';
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The dbmate format. */
export const dbmate: MigrationFormat = { name: 'dbmate', detect, parse };
