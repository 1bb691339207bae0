/**
 * Splits a Flyway SQL migration into statements as Flyway's PostgreSQL parser does
 * (flyway-core internal/parser/Parser.java getNextStatement/readToken, with the overrides of
 * flyway-database-postgresql PostgreSQLParser.java), including its known limitations, because
 * the statement boundaries Flyway sends are what production runs:
 * - `;` ends a statement outside strings, comments, parentheses and `BEGIN ATOMIC … END`
 *   (CASE … END inside ATOMIC is tracked too);
 * - '…' doubles quotes; `E'`, `B'`, `X'` (upper case only, as Flyway checks) also take `\`;
 * - any `$` at the start of a token opens a dollar quote up to the next `$`, so `$1` outside a
 *   function body swallows text until the next `$` (Flyway's behaviour, not PostgreSQL's);
 * - a statement's text runs from its first comment or token to its last token, without the `;`;
 *   comments before a lone `;` and after the last statement are dropped.
 * It also decides, as Flyway does, which statements cannot run in a transaction: the first
 * keywords at parenthesis depth 0 (at most 10) matching CREATE/DROP DATABASE|TABLESPACE|
 * SUBSCRIPTION, ALTER SYSTEM, CREATE/DROP [UNIQUE] INDEX CONCURRENTLY, REINDEX [VERBOSE]
 * SCHEMA|DATABASE|SYSTEM, VACUUM, DISCARD ALL. (ALTER TYPE … ADD VALUE only counts before
 * PostgreSQL 12, older than any server rollback-verify starts.)
 */

/** A statement as Flyway sends it. */
export interface FlywayStatement {
  sql: string;
  /** 1-based line in the file where `sql` starts. */
  line: number;
  canExecuteInTransaction: boolean;
}

/** A parse failure Flyway reports too, with the line it concerns. */
export class FlywayParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type Kind = 'comment' | 'blank-lines' | 'string' | 'identifier' | 'keyword' | 'numeric' | 'delimiter' | 'symbol';

interface Token {
  kind: Kind;
  /** Upper-cased for keywords, as Flyway's handleKeyword does. */
  text: string;
  start: number;
  end: number;
  parens: number;
}

const NON_TRANSACTIONAL = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)$/,
  /^ALTER SYSTEM$/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY$/,
  /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)$/,
  /^VACUUM$/,
  /^DISCARD ALL$/,
];
const COPY_FROM_STDIN = /^COPY( .*)? FROM STDIN$/;
const TRANSACTIONAL_DETECTION_CUTOFF = 10;

/** Splits `content` into the statements Flyway would execute. */
export function parseFlywaySql(content: string): FlywayStatement[] {
  // Flyway's BomStrippingReader drops a leading byte order mark.
  const bom = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lexer = new FlywayLexer(content, bom);
  const statements: FlywayStatement[] = [];
  for (;;) {
    const statement = nextStatement(lexer, content);
    if (!statement) return statements;
    statements.push(statement);
  }
}

function nextStatement(lexer: FlywayLexer, content: string): FlywayStatement | undefined {
  const tokens: Token[] = [];
  const keywords: Token[] = [];
  let recordStart = lexer.pos;
  let confirmedEnd = lexer.pos;
  let nonCommentSeen = false;
  let simplified = '';
  let canExecuteInTransaction: boolean | undefined;
  for (;;) {
    const token = lexer.read();
    if (token === null) {
      // Whitespace or a parenthesis: recorded only once the statement has begun.
      if (tokens.length === 0) recordStart = lexer.pos;
      else confirmedEnd = lexer.pos;
      continue;
    }
    if (token.kind === 'delimiter' && !nonCommentSeen) {
      // shouldDiscard: comments before a lone `;` are dropped.
      tokens.length = 0;
      recordStart = lexer.pos;
      continue;
    }
    if (token.kind === 'keyword' && token.parens === 0) {
      keywords.push(token);
      lexer.adjustBlockDepth(tokens, token);
    }
    const atEnd = token.kind === 'eof';
    if (atEnd || (token.kind === 'delimiter' && token.parens === 0 && lexer.blockDepth() === 0)) {
      const sql = content.slice(recordStart, confirmedEnd).trim();
      if (atEnd && (sql === '' || tokens.length === 0 || !nonCommentSeen)) return undefined;
      if (atEnd && (lexer.parens > 0 || lexer.blockDepth() > 0)) {
        throw new FlywayParseError('Incomplete statement', lexer.lineOf(recordStart));
      }
      const lead = content.slice(recordStart, confirmedEnd).length - content.slice(recordStart, confirmedEnd).trimStart().length;
      return {
        sql,
        line: lexer.lineOf(recordStart + lead),
        canExecuteInTransaction: canExecuteInTransaction ?? (keywords.length > TRANSACTIONAL_DETECTION_CUTOFF || !matchesNonTransactional(simplified)),
      };
    }
    tokens.push(token as Token);
    confirmedEnd = lexer.pos;
    if (token.kind !== 'comment' && token.kind !== 'delimiter' && token.kind !== 'blank-lines') nonCommentSeen = true;
    // Flyway keeps extending the "simplified statement" (depth-0 keywords) while it has at most
    // 10 keywords; the first prefix matching a non-transactional pattern decides.
    if (
      keywords.length <= TRANSACTIONAL_DETECTION_CUTOFF &&
      (token.kind === 'keyword' || token.text === '@') &&
      token.parens === 0
    ) {
      simplified += (simplified === '' ? '' : ' ') + token.text.toUpperCase();
      if (COPY_FROM_STDIN.test(simplified)) {
        // Flyway streams the rows after the statement itself; they cannot be replayed as SQL.
        throw new FlywayParseError('COPY … FROM STDIN is not supported', lexer.lineOf(token.start));
      }
      if (canExecuteInTransaction === undefined && matchesNonTransactional(simplified)) {
        canExecuteInTransaction = false;
      }
    }
  }
}

function matchesNonTransactional(simplified: string): boolean {
  return NON_TRANSACTIONAL.some((re) => re.test(simplified));
}

type LexToken = Token | { kind: 'eof'; text: ''; start: number; end: number; parens: number };

/** Flyway's readToken for PostgreSQL, over a string instead of a Reader. */
class FlywayLexer {
  pos: number;
  parens = 0;
  private readonly blocks: string[] = [];
  private readonly newlines: number[] = [];

  constructor(
    private readonly text: string,
    start: number,
  ) {
    this.pos = start;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.newlines.push(i);
  }

  blockDepth(): number {
    return this.blocks.length;
  }

  lineOf(index: number): number {
    let line = 1;
    for (const nl of this.newlines) {
      if (nl >= index) break;
      line++;
    }
    return line;
  }

  /** PostgreSQLParser.adjustBlockDepth. */
  adjustBlockDepth(previous: Token[], keyword: Token): void {
    const last = lastTokenAtDepth(previous, keyword.parens);
    if (last?.text === 'BEGIN' && keyword.text === 'ATOMIC') this.blocks.push('ATOMIC');
    const initiator = this.blocks[this.blocks.length - 1] ?? '';
    if (keyword.text === 'CASE' && initiator === 'ATOMIC') this.blocks.push('CASE');
    const top = this.blocks[this.blocks.length - 1] ?? '';
    if (this.blocks.length > 0 && keyword.text === 'END' && (top === 'ATOMIC' || top === 'CASE')) this.blocks.pop();
  }

  /** The next token; null for whitespace and parentheses, which Flyway reads without a token. */
  read(): LexToken | null {
    const t = this.text;
    const start = this.pos;
    if (start >= t.length) return { kind: 'eof', text: '', start, end: start, parens: 0 };
    const c = t[start]!;
    const make = (kind: Kind, text = ''): Token => ({ kind, text, start, end: this.pos, parens: this.parens });
    if (c === '$') {
      // handleAlternativeStringLiteral: the tag runs to the next `$`, whatever lies between.
      const tagEnd = t.indexOf('$', start + 1);
      const tag = tagEnd === -1 ? t.slice(start) : t.slice(start, tagEnd + 1);
      const close = t.indexOf(tag, start + tag.length);
      this.pos = close === -1 ? t.length : close + tag.length;
      return make('string');
    }
    if (c === "'") {
      this.pos = this.skipQuoted(start + 1, "'", false);
      return make('string');
    }
    if (c === '(') {
      this.parens++;
      this.pos++;
      return null;
    }
    if (c === ')') {
      this.parens--;
      this.pos++;
      return null;
    }
    if (c === '"') {
      this.pos = this.skipQuoted(start + 1, '"', false);
      this.readIdentifierParts();
      return make('identifier');
    }
    if (t.startsWith('--', start)) {
      const nl = t.slice(start).search(/[\r\n]/);
      this.pos = nl === -1 ? t.length : start + nl;
      return make('comment');
    }
    if (t.startsWith('/*', start)) {
      this.pos = this.skipBlockComment(start);
      return make('comment');
    }
    if (/[0-9]/.test(c)) {
      this.pos++;
      while (this.pos < t.length && /[0-9]/.test(t[this.pos]!)) this.pos++;
      return make('numeric');
    }
    if (/^[BEX]'/.test(t.slice(start, start + 2))) {
      this.pos = this.skipQuoted(start + 2, "'", true);
      return make('string');
    }
    if (t.startsWith("U&'", start)) {
      this.pos = this.skipQuoted(start + 3, "'", false);
      return make('string');
    }
    if (c === ';') {
      this.pos++;
      return make('delimiter', ';');
    }
    if (c === '_' || /\p{L}/u.test(c)) {
      this.pos++;
      while (this.pos < t.length && /[_$\p{L}\p{N}]/u.test(t[this.pos]!)) this.pos++;
      this.readIdentifierParts();
      const word = t.slice(start, this.pos);
      return /^[\p{L}_]+$/u.test(word) ? make('keyword', word.toUpperCase()) : make('identifier', word);
    }
    if (c === ' ' || c === '\r' || c === '\u00a0') {
      this.pos++;
      return null;
    }
    if (/\s/.test(c)) {
      while (this.pos < t.length && /\s/.test(t[this.pos]!)) this.pos++;
      const newlines = t.slice(start, this.pos).split('\n').length - 1;
      return newlines >= 2 ? make('blank-lines') : null;
    }
    this.pos++;
    return make('symbol', c);
  }

  /** readAdditionalIdentifierParts: `.part` up to twice, each quoted or a keyword part. */
  private readIdentifierParts(): void {
    const t = this.text;
    for (let i = 0; i < 2 && t[this.pos] === '.'; i++) {
      this.pos++;
      if (t[this.pos] === '"') this.pos = this.skipQuoted(this.pos + 1, '"', false);
      else while (this.pos < t.length && /[_$\p{L}\p{N}]/u.test(t[this.pos]!)) this.pos++;
    }
  }

  private skipQuoted(from: number, quote: string, backslash: boolean): number {
    const t = this.text;
    let i = from;
    while (i < t.length) {
      const c = t[i]!;
      if (backslash && c === '\\') i += 2;
      else if (c === quote) {
        if (t[i + 1] === quote) i += 2;
        else return i + 1;
      } else i++;
    }
    return t.length;
  }

  private skipBlockComment(from: number): number {
    const t = this.text;
    let depth = 0;
    let i = from;
    while (i < t.length) {
      if (t.startsWith('/*', i)) {
        depth++;
        i += 2;
      } else if (t.startsWith('*/', i)) {
        depth--;
        i += 2;
        if (depth === 0) return i;
      } else i++;
    }
    return t.length;
  }
}

/** Parser.getPreviousToken: the last token at this depth, skipping comments and blank lines. */
function lastTokenAtDepth(tokens: Token[], depth: number): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (token.parens < depth) break;
    if (token.parens !== depth) continue;
    if (token.kind === 'comment' || token.kind === 'blank-lines') continue;
    return token;
  }
  return undefined;
}
