/**
 * Fuzzing the format parsers (fast-check): arbitrary bytes under arbitrary paths, decoded the way
 * the work tree is read, then detected and parsed by every format. The only error a user may ever
 * see from them is a ConfigError (one line naming the file); a TypeError, RangeError or a
 * SyntaxError from BigInt would be a crash with a stack.
 */
import fc from 'fast-check';
import { ConfigError } from '../../src/errors.js';
import { detectFormat, FORMATS } from '../../src/formats/index.js';
import type { ParseContext, SourceFile } from '../../src/formats/types.js';
import { decodeFile } from '../../src/plan/read-files.js';

/** File names shaped like every format's, plus junk, so parsers get past detection into parsing. */
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(
    '1_a.up.sql', '1_a.down.sql', '01_b.up.sql', '2_a.down.sql', '1_a.sql', '0001_x.sql', 'V1__a.sql', 'U1__a.sql', 'V1.1__b.sql', 'R__c.sql',
    'V__x.sql', 'migration.sql', 'down.sql', 'up.sql', 'metadata.toml', '20240101000000_a.postgres.up.sql', '1_x.up.fizz', '1_a.rollback.sql',
    'alembic.ini', 'env.py', 'versions', 'abc_rev.py', 'sqitch.plan', 'sqitch.conf', 'deploy', 'revert', 'verify', 'knexfile.js', '1_x.js',
    '99999999999999999999999_big.up.sql', '1_.up.sql', '_.sql', '.up.sql', 'V1__.sql', '1__a.sql', 'migration_lock.toml', 'README.md',
  ) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789_.-aVUR '.split('')), minLength: 1, maxLength: 12 }) },
);
// Mostly top-level files (most tools do not recurse), sometimes nested (prisma, diesel, sqitch).
const path = fc.oneof({ weight: 3, arbitrary: segment }, { weight: 1, arbitrary: fc.array(segment, { minLength: 2, maxLength: 3 }).map((parts) => parts.join('/')) });

/** Contents: format directives and SQL fragments mixed with arbitrary bytes. */
const directive = fc.constantFrom(
  '-- migrate:up\n', '-- migrate:down\n', '-- migrate:up transaction:false\n', '-- +goose Up\n', '-- +goose Down\n',
  '-- +goose StatementBegin\n', '-- +goose StatementEnd\n', '-- +goose NO TRANSACTION\n', '-- +goose ENVSUB ON\n',
  '-- rollback-verify: irreversible\n', 'CREATE TABLE t (id int);\n', "SELECT 'a;b';\n", '$$ unterminated', '/* open',
  'revision = "abc"\ndown_revision = None\n', 'down_revision = ("a", "b")\n', '%syntax-version=1.0.0\n%project=x\n\nadd_t 2024-01-01T00:00:00Z n <n@x> # c\n',
  '[alembic]\nscript_location = .\n', 'exports.up = (pgm) => {};\nexports.down = (pgm) => {};\n', 'create_table("t") {\n}\n',
  'add_t [dep] 2024-01-01T00:00:00Z n <n@x>\n@v1 2024-01-01T00:00:00Z n <n@x>\n',
);
const bytes = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof({ weight: 3, arbitrary: directive }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }), { maxLength: 8 }).map((parts) => Buffer.from(parts.join(''), 'utf8')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
);
const tree = fc.uniqueArray(fc.tuple(path, bytes), { minLength: 1, maxLength: 6, selector: ([p]) => p });

const context: ParseContext = { absDir: '/nonexistent/db', cwd: '/nonexistent', tool: { 'up-command': 'up {file}', 'down-command': 'down {file}' } };

/** Runs fn; passes when it returns or throws a ConfigError, fails with the thrown value otherwise. */
function onlyConfigErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) {
      expect(err.message).not.toContain('\n    at ');
      return;
    }
    throw err;
  }
}

/** Decodes like the work-tree reader: undecodable files are the ConfigError the user sees. */
function decodeAll(entries: Array<[string, Buffer]>): SourceFile[] | undefined {
  try {
    return entries.map(([p, b]) => ({ path: p, content: decodeFile(b, `db/${p}`) }));
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

test('detection on arbitrary files: a format or a ConfigError', () => {
  fc.assert(
    fc.property(tree, (entries) => {
      const files = decodeAll(entries);
      if (files) onlyConfigErrors(() => detectFormat(files, 'db'));
    }),
    { numRuns: 1000 },
  );
});

test.each(FORMATS.map((f) => [f.name, f] as const))('%s: parse of arbitrary files returns migrations or throws a ConfigError', (_name, format) => {
  fc.assert(
    fc.property(tree, (entries) => {
      const files = decodeAll(entries);
      if (files) onlyConfigErrors(() => format.parse(files, 'db', context));
    }),
    { numRuns: 400 },
  );
});
