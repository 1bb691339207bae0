/**
 * A line-for-line port of goose's SQL splitter (pressly/goose internal/sqlparser/parser.go,
 * ParseSQLMigration), kept separate so its quirks stay visible. goose does not lex SQL:
 * - a statement ends at a line whose last whitespace-separated word before any word starting
 *   with `--` ends in `;` (endsWithSemicolon), even inside a string, comment or `$$` body;
 * - lines between `-- +goose StatementBegin` and `-- +goose StatementEnd` form one statement;
 * - comment lines and empty lines before a statement are dropped; once a statement has started
 *   every line is kept, comments included; statements are trimmed;
 * - annotations: a trimmed line starting with `--` that contains `+goose`; leading whitespace
 *   before an annotation, an unknown one, or two `+goose` on a line are errors; names compare
 *   case-insensitively;
 * - unfinished SQL before `-- +goose Down` or at the end of the file is an error (missing `;`).
 * `-- +goose ENVSUB ON` substitutes environment variables in goose; the text is kept unchanged
 * here because parsing is pure (documented limitation).
 */

/** A statement goose sends, with the 1-based file line where its (trimmed) text starts. */
export interface GooseStatement {
  sql: string;
  line: number;
}

/** Both directions of a goose file, its transaction setting and where its sections start. */
export interface GooseParseResult {
  up: GooseStatement[];
  down: GooseStatement[];
  useTx: boolean;
  /** 1-based lines of the `-- +goose Up` / `-- +goose Down` annotations (down undefined if absent). */
  upLine: number;
  downLine?: number;
}

/** A goose parse error with the line it concerns (0 when it concerns the whole file). */
export class GooseSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type State = 'start' | 'up' | 'beginUp' | 'endUp' | 'down' | 'beginDown' | 'endDown';

const ANNOTATIONS = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'NO TRANSACTION', 'ENVSUB ON', 'ENVSUB OFF'];

/** Parses a goose SQL migration for both directions, as goose would (ParseAllFromFS). */
export function parseGooseSql(content: string): GooseParseResult {
  const up = parseDirection(content, 'up');
  const down = parseDirection(content, 'down');
  return { up: up.statements, down: down.statements, useTx: up.useTx, upLine: up.upLine, downLine: up.downLine };
}

function parseDirection(content: string, direction: 'up' | 'down') {
  // bufio.Scanner with ScanLines: split at \n, drop one trailing \r, no final empty line.
  const lines = content.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let state: State = 'start';
  let useTx = true;
  let buf = '';
  let bufLine = 0;
  let upLine = 0;
  let downLine: number | undefined;
  const statements: GooseStatement[] = [];
  const store = () => {
    statements.push({ sql: buf.trim(), line: bufLine });
    buf = '';
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const lineNo = index + 1;
    if (state === 'start' && line.trim() === '') continue;

    if (line.trim().startsWith('--') && line.includes('+goose')) {
      const cmd = extractAnnotation(line, lineNo);
      if (cmd === 'Up') {
        if (state !== 'start') throw new GooseSyntaxError("duplicate '-- +goose Up' annotations", lineNo);
        state = 'up';
        upLine = lineNo;
        continue;
      }
      if (cmd === 'Down') {
        if (state !== 'up' && state !== 'endUp') {
          throw new GooseSyntaxError("must start with '-- +goose Up' annotation", lineNo);
        }
        if (buf.trim() !== '') throw missingSemicolon(bufLine);
        state = 'down';
        downLine = lineNo;
        continue;
      }
      if (cmd === 'StatementBegin') {
        if (state === 'up' || state === 'endUp') state = 'beginUp';
        else if (state === 'down' || state === 'endDown') state = 'beginDown';
        else {
          throw new GooseSyntaxError(
            "'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down' annotation",
            lineNo,
          );
        }
        continue;
      }
      if (cmd === 'StatementEnd') {
        if (state === 'beginUp') state = 'endUp';
        else if (state === 'beginDown') state = 'endDown';
        else throw new GooseSyntaxError("'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'", lineNo);
        // No `continue`: goose falls through and stores the statement below.
      } else {
        if (cmd === 'NO TRANSACTION') useTx = false;
        continue; // NO TRANSACTION, ENVSUB ON/OFF
      }
    }

    // Leading comments and empty lines before a statement are ignored.
    if (buf === '' && (line.trim().startsWith('--') || line === '')) continue;

    if (state !== 'endUp' && state !== 'endDown') {
      // The statement is trimmed, so it starts on the first line with content.
      if (buf.trim() === '' && line.trim() !== '') bufLine = lineNo;
      buf += line + '\n';
    }

    const inUp = state === 'up' || state === 'beginUp' || state === 'endUp';
    if ((inUp && direction === 'down') || (!inUp && direction === 'up')) {
      buf = '';
      continue;
    }

    if ((state === 'up' || state === 'down') && endsWithSemicolon(line)) store();
    else if (state === 'endUp') {
      store();
      state = 'up';
    } else if (state === 'endDown') {
      store();
      state = 'down';
    }
  }

  if (state === 'start') throw new GooseSyntaxError("must start with '-- +goose Up' annotation", 0);
  if (state === 'beginUp' || state === 'beginDown') {
    throw new GooseSyntaxError("missing '-- +goose StatementEnd' annotation", 0);
  }
  if (buf.trim() !== '') throw missingSemicolon(bufLine);
  return { statements, useTx, upLine, downLine };
}

/** goose's extractAnnotation: `-- +goose <name>`, matched case-insensitively. */
function extractAnnotation(line: string, lineNo: number): string {
  if (line.startsWith(' ') || line.startsWith('\t')) {
    throw new GooseSyntaxError(`annotation ${JSON.stringify(line)} contains leading whitespace`, lineNo);
  }
  let cmd = line.replaceAll('--', '').replace('+goose', '');
  if (cmd.includes('+goose')) {
    throw new GooseSyntaxError(`annotation ${JSON.stringify(line)} contains multiple '+goose' annotations`, lineNo);
  }
  cmd = cmd.trim();
  if (cmd === '') throw new GooseSyntaxError('empty annotation', lineNo);
  const known = ANNOTATIONS.find((a) => a.toLowerCase() === cmd.toLowerCase());
  if (!known) throw new GooseSyntaxError(`unknown annotation ${JSON.stringify(cmd)}`, lineNo);
  return known;
}

/** goose's endsWithSemicolon: the last word before a word starting with `--` ends in `;`. */
export function endsWithSemicolon(line: string): boolean {
  let prev = '';
  for (const word of line.split(/\s+/).filter((w) => w !== '')) {
    if (word.startsWith('--')) break;
    prev = word;
  }
  return prev.endsWith(';');
}

function missingSemicolon(line: number): GooseSyntaxError {
  return new GooseSyntaxError('unexpected unfinished SQL query: missing semicolon?', line);
}
