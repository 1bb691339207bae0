/**
 * Reads the common shapes of CHECK constraints (and of partition constraints, which PostgreSQL
 * prints the same way) so generated values can satisfy them instead of being filtered away:
 * ranges (`x >= 1 AND x <= 5`, BETWEEN prints like that), `IN` lists (`= ANY (ARRAY[...])`),
 * LIKE patterns (`~~`) and length limits. Anything else is left to the row filter.
 * Input is `pg_get_constraintdef` output, which is normalised enough for small patterns.
 */

export interface Bound {
  /** An SQL constant expression, e.g. `(0)::numeric`, `'2020-01-01'::date`. */
  sql: string;
  inclusive: boolean;
}

export interface ColumnShape {
  lo?: Bound;
  hi?: Bound;
  /** An SQL array expression whose elements are the allowed values. */
  inList?: string;
  /** A LIKE pattern (unescaped text). */
  like?: string;
  maxLen?: number;
  minLen?: number;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** A column reference, possibly parenthesised and cast: `x`, `(x)::text`, `"Odd name"`. */
const COLREF = String.raw`\(?(${IDENT})\)?(?:::[a-z][a-z0-9 _]*)?`;
/** A constant: `5`, `(5)::numeric`, `'-1'::integer`, `'2020-01-01'::date`, `(- 1)`. */
const CONST = String.raw`(?:\(?-?\s*\d+(?:\.\d+)?\)?|'(?:[^']|'')*')(?:::[a-z][a-z0-9 _]*(?:\([0-9, ]+\))?)?`;

const COMPARISON = new RegExp(String.raw`^${COLREF}\s*(>=|<=|>|<|=)\s*(${CONST})$`, 'i');
const COMPARISON_REVERSED = new RegExp(String.raw`^(${CONST})\s*(>=|<=|>|<|=)\s*${COLREF}$`, 'i');
const ANY_LIST = new RegExp(String.raw`^${COLREF}\s*=\s*ANY\s*\((.*)\)$`, 'is');
const LIKE = new RegExp(String.raw`^${COLREF}\s*~~\*?\s*'((?:[^']|'')*)'(?:::[a-z][a-z0-9 _]*)?$`, 'i');
const LENGTH = new RegExp(
  String.raw`^(?:char_length|length|character_length)\(${COLREF}\)\s*(>=|<=|>|<|=)\s*\(?(\d+)\)?$`,
  'i',
);

/** Column name as stored, from an identifier as printed. */
function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident.toLowerCase();
}

/** Removes parentheses that wrap the whole expression. */
export function stripParens(text: string): string {
  let s = text.trim();
  while (s.startsWith('(') && closingParen(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
  return s;
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = s[i + 1] === quote ? (i++, quote) : undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits a condition into its top-level AND terms (recursing into parenthesised ANDs). */
export function conjuncts(expr: string): string[] {
  const s = stripParens(expr);
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = s[i + 1] === quote ? (i++, quote) : undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^\sAND\s/i.test(s.slice(i, i + 5))) {
      parts.push(s.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(s.slice(start));
  if (parts.length === 1) return [s];
  return parts.flatMap((p) => conjuncts(p));
}

/** The condition inside `CHECK (...)` (also accepts a bare condition). */
export function checkCondition(def: string): string {
  const m = /^CHECK\s*(\(.*\))(?:\s+NO INHERIT)?(?:\s+NOT VALID)?$/is.exec(def.trim());
  return m ? m[1] : def;
}

/**
 * Folds the shapes found in one condition into `shapes` (column name → shape). Terms that are
 * not recognised are ignored: the row filter still enforces the whole condition.
 */
export function readShapes(condition: string, shapes: Map<string, ColumnShape>): void {
  for (const term of conjuncts(checkCondition(condition))) {
    const t = stripParens(term);
    const shapeOf = (ident: string) => {
      const name = unquote(ident);
      let shape = shapes.get(name);
      if (!shape) shapes.set(name, (shape = {}));
      return shape;
    };
    let m: RegExpExecArray | null;
    if ((m = COMPARISON.exec(t))) applyComparison(shapeOf(m[1]), m[2], m[3]);
    else if ((m = COMPARISON_REVERSED.exec(t))) applyComparison(shapeOf(m[3]), flip(m[2]), m[1]);
    else if ((m = ANY_LIST.exec(t))) shapeOf(m[1]).inList = stripParens(m[2]);
    else if ((m = LIKE.exec(t))) shapeOf(m[1]).like = m[2].replace(/''/g, "'");
    else if ((m = LENGTH.exec(t))) applyLength(shapeOf(m[1]), m[2], Number(m[3]));
  }
}

function flip(op: string): string {
  return ({ '>': '<', '<': '>', '>=': '<=', '<=': '>=' } as Record<string, string>)[op] ?? op;
}

function applyComparison(shape: ColumnShape, op: string, value: string): void {
  const sql = `(${value})`;
  if (op === '=') {
    shape.inList = `ARRAY[${value}]`;
    return;
  }
  if (op === '>' || op === '>=') shape.lo = { sql, inclusive: op === '>=' };
  else shape.hi = { sql, inclusive: op === '<=' };
}

function applyLength(shape: ColumnShape, op: string, n: number): void {
  if (op === '<' || op === '<=') shape.maxLen = Math.min(shape.maxLen ?? Infinity, op === '<' ? n - 1 : n);
  else if (op === '>' || op === '>=') shape.minLen = Math.max(shape.minLen ?? 0, op === '>' ? n + 1 : n);
  else {
    shape.maxLen = n;
    shape.minLen = n;
  }
}
