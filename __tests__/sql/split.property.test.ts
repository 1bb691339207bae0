/**
 * Property tests of the statement splitter (fast-check):
 * - on arbitrary text it never loses or duplicates a non-whitespace character;
 * - on generated files full of the hard cases (dollar quotes with tags, nested block comments,
 *   E'' strings with backslash escapes, semicolons in strings and quoted identifiers, routine
 *   bodies) it finds exactly the statements PostgreSQL's own parser (libpg-query) finds.
 */
import fc from 'fast-check';
import { splitStatements } from '../../src/sql/split.js';

interface PgParser {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts?: Array<{ stmt: unknown }> };
}
let parser: PgParser;
beforeAll(async () => {
  parser = (await import('libpg-query')) as unknown as PgParser;
  await parser.loadModule();
});

const ink = (s: string) => s.replace(/\s+/g, '');

/** Text made of SQL's meaningful characters, so strings/comments/quotes open and close at random. */
const sqlish = fc.string({ unit: fc.constantFrom(...";'\"$-/*\\Ee()\n \tabc1_".split(''), '$$', '$a$', '/*', '*/', '--', "E'", 'BEGIN', 'END', 'CREATE FUNCTION '), maxLength: 80 });

test('arbitrary text: every non-whitespace character lands in exactly one statement', () => {
  fc.assert(
    fc.property(sqlish, (text) => {
      const out = splitStatements(text);
      expect(out.map((s) => ink(s.sql)).join('')).toBe(ink(text));
    }),
    { numRuns: 2000 },
  );
});

/** Words safe inside any quoting we generate (no quote chars of their own). */
const word = fc.string({ unit: fc.constantFrom(...'abc xyz;,.()-_=+é日'.split('')), minLength: 0, maxLength: 12 });
const ident = fc.string({ unit: fc.constantFrom(...'abc;_ é"'.split('')), minLength: 1, maxLength: 8 }).map((s) => `"${s.replace(/"/g, '""')}"`);
const literal = fc.oneof(
  word.map((w) => `'${w.replace(/'/g, "''")}'`),
  fc.tuple(word, word).map(([a, b]) => `'${a}'';${b}'`),
  fc.tuple(word, word).map(([a, b]) => `E'${a}\\';${b}\\\\'`),
  word.map((w) => `$$${w}; ' $$`),
  // A tagged dollar quote may hold $$ and quotes: only its own tag ends it.
  fc.tuple(fc.constantFrom('x', 'body', 'fn_1'), word).map(([tag, w]) => `$${tag}$${w}; $$ ; '$${tag}$`),
);
const comment = fc.oneof(
  word.map((w) => `-- ${w}\n`),
  fc.tuple(word, word).map(([a, b]) => `/* ${a} /* nested; ${b} */ ; */`),
);
const statement = fc.oneof(
  fc.array(literal, { minLength: 1, maxLength: 3 }).map((ls) => `SELECT ${ls.join(', ')}`),
  fc.tuple(ident, ident).map(([t, c]) => `CREATE TABLE ${t} (${c} text DEFAULT 'a;b')`),
  fc.tuple(ident, literal).map(([t, l]) => `COMMENT ON TABLE ${t} IS ${l}`),
  word.map((w) => `CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RAISE NOTICE '${w.replace(/'/g, "''")}'; RETURN 1; END; $fn$`),
  fc.constant('CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END'),
  fc.constant('SELECT (1)'),
  literal.map((l) => `DO $do$ BEGIN PERFORM ${l.includes('$do$') ? "'x'" : l}; END $do$`),
);
const separator = fc.oneof(fc.constant('\n'), fc.constant(' '), fc.constant('\n\n'), comment.map((c) => ` ${c}`), fc.constant(';\n'));
const file = fc.array(fc.tuple(fc.option(comment, { nil: '' }), statement, separator), { minLength: 1, maxLength: 6 }).map((parts) =>
  parts.map(([c, s, sep]) => `${c}${s};${sep}`).join(''),
);

/** A parse tree without source positions, so statements parsed alone compare with the whole file's. */
function shape(tree: unknown): string {
  return JSON.stringify(tree, (key, value: unknown) => (key === 'location' || key === 'stmt_location' || key === 'stmt_len' ? undefined : value));
}

test('generated files: the same statements as the PostgreSQL parser, in order', () => {
  fc.assert(
    fc.property(file, (text) => {
      const real = (parser.parseSync(text).stmts ?? []).map((s) => shape(s.stmt));
      const ours = splitStatements(text).map((s) => (parser.parseSync(s.sql).stmts ?? []).map((x) => shape(x.stmt)));
      // Each piece is exactly one statement to the real parser, and together they are the file's.
      expect(ours.map((o) => o.length)).toEqual(ours.map(() => 1));
      expect(ours.flat()).toEqual(real);
      expect(ink(splitStatements(text).map((s) => s.sql).join(''))).toBe(ink(text));
    }),
    { numRuns: 500 },
  );
});
