/**
 * A small PostgreSQL lexer: just enough to know where strings, comments, identifiers and
 * semicolons are. It follows the rules of PostgreSQL's scan.l / psql's psqlscan.l:
 * - `--` comments run to the end of the line; `/* … *\/` comments nest;
 * - '…' strings double their quotes; E'…' strings also take backslash escapes;
 * - "…" identifiers double their quotes and may contain anything, `;` included;
 * - `$tag$ … $tag$` dollar quotes, where the tag is empty or an identifier that does not start
 *   with a digit, so `$1` is a parameter and `a$b` one identifier.
 * Unterminated strings and comments run to the end of the text: PostgreSQL rejects them, and
 * the lexer must not invent a boundary inside them.
 */

/** What a token is; only the distinctions splitting and marker search need. */
export type SqlTokenKind =
  | 'space'
  | 'line-comment'
  | 'block-comment'
  | 'string'
  | 'dollar-string'
  | 'quoted-ident'
  | 'word'
  | 'semicolon'
  | 'open-paren'
  | 'close-paren'
  | 'other';

/** A token as a [start, end) range of the text. */
export interface SqlToken {
  kind: SqlTokenKind;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Splits `text` into tokens that cover it completely, in order, without gaps. */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = i;
    const c = text[i]!;
    const next = text[i + 1];
    let kind: SqlTokenKind;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(text[i]!)) i++;
      kind = 'space';
    } else if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
      kind = 'line-comment';
    } else if (c === '/' && next === '*') {
      i = endOfBlockComment(text, i);
      kind = 'block-comment';
    } else if (c === "'") {
      i = endOfQuoted(text, i + 1, "'", false);
      kind = 'string';
    } else if (c === '"') {
      i = endOfQuoted(text, i + 1, '"', false);
      kind = 'quoted-ident';
    } else if (c === '$') {
      const tag = DOLLAR_TAG.exec(text.slice(i, i + 256));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
        kind = 'dollar-string';
      } else {
        // `$1`, `$2`: positional parameters, not quotes.
        i++;
        while (i < n && /[0-9]/.test(text[i]!)) i++;
        kind = 'other';
      }
    } else if (WORD_START.test(c)) {
      while (i < n && WORD_PART.test(text[i]!)) i++;
      const word = text.slice(start, i);
      if (text[i] === "'" && /^[eE]$/.test(word)) {
        // E'…': backslash escapes (scan.l <xe>), so \' does not end the string.
        i = endOfQuoted(text, i + 1, "'", true);
        kind = 'string';
      } else if (text[i] === "'" && /^([bBxXnN]|[uU]&)$/.test(word)) {
        i = endOfQuoted(text, i + 1, "'", false);
        kind = 'string';
      } else if (text[i] === '&' && /^[uU]$/.test(word) && (text[i + 1] === "'" || text[i + 1] === '"')) {
        const quote = text[i + 1]!;
        i = endOfQuoted(text, i + 2, quote, false);
        kind = quote === "'" ? 'string' : 'quoted-ident';
      } else {
        kind = 'word';
      }
    } else if (c === ';') {
      i++;
      kind = 'semicolon';
    } else if (c === '(') {
      i++;
      kind = 'open-paren';
    } else if (c === ')') {
      i++;
      kind = 'close-paren';
    } else {
      i++;
      kind = 'other';
    }
    tokens.push({ kind, start, end: i });
  }
  return tokens;
}

/** True for tokens that carry no SQL: whitespace and comments. */
export function isTrivia(kind: SqlTokenKind): boolean {
  return kind === 'space' || kind === 'line-comment' || kind === 'block-comment';
}

function endOfBlockComment(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return text.length;
}

/** Index just past the closing quote; a doubled quote is an escaped quote. */
function endOfQuoted(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return text.length;
}

/**
 * Returns a function giving the 1-based line of a character index of `text`, where the text's
 * first line is `startLine`. Built once per text so that many look-ups stay cheap.
 */
export function lineLocator(text: string, startLine = 1): (index: number) => number {
  const newlines: number[] = [];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) newlines.push(i);
  return (index) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return startLine + lo;
  };
}

/** Length of the whitespace and comments `sql` starts with (nested block comments included). */
export function leadingTriviaLength(sql: string): number {
  for (const t of tokenizeSql(sql)) if (!isTrivia(t.kind)) return t.start;
  return sql.length;
}

const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK|ABORT|START\s+TRANSACTION|END|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b/i;

/** True for statements a script's own transaction is made of (BEGIN, COMMIT, SAVEPOINT, …). */
export function isTransactionControl(sql: string): boolean {
  return TRANSACTION_CONTROL.test(sql.slice(leadingTriviaLength(sql)));
}
