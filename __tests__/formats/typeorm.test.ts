/** TypeORM parsing, pure: TypeORM's order, names, steps, downs, irreversible, errors. */
import { ConfigError } from '../../src/errors.js';
import { detectFormat } from '../../src/formats/index.js';
import { TYPEORM_MIGRATIONS_VARIABLE, typeorm } from '../../src/formats/typeorm.js';
import type { CommandScript } from '../../src/formats/types.js';
import { files, thrown } from './files.js';

const migration = (cls: string, down = "await queryRunner.query('DROP TABLE t');", extra = '') => `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {${extra}
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE t ()');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    ${down}
  }
}
`;
const context = { absDir: '/app/src/migrations', cwd: '/app', tool: {} };

test("ordered by the timestamp ending each name (TypeORM's order), not by file name; each step sees the migrations up to its own", () => {
  const ms = typeorm.parse(
    files({
      'b-first.ts': migration('AddUsers1700000000001'),
      'a-second.ts': migration('AddOrders1700000000002'),
    }),
    'src/migrations',
    context,
  );
  expect(ms.map((m) => [m.id, m.name])).toEqual([['1700000000001', 'AddUsers'], ['1700000000002', 'AddOrders']]);
  const up = ms[1]!.up as CommandScript;
  expect(up).toMatchObject({ kind: 'command', launcher: 'typeorm', argv: ['typeorm', 'migration:run', 'AddOrders1700000000002'], file: 'src/migrations/a-second.ts', line: 4 });
  expect(up.cwd).toBe('/app/src/migrations');
  expect(up.env![TYPEORM_MIGRATIONS_VARIABLE]!.split('\n')).toEqual(['b-first.ts', 'a-second.ts']);
  expect((ms[0]!.down as CommandScript).argv).toEqual(['typeorm', 'migration:revert', 'AddUsers1700000000001']);
  expect(ms[0]!.down!.line).toBe(8);
  expect(ms[0]!.toolState?.table).toBe('public.migrations');
});

test("a generated migration's name property is the name TypeORM records", () => {
  const [m] = typeorm.parse(files({ '1700000000003-Init.ts': migration('Init1700000000003', undefined, "\n  name = 'Init1700000000099';\n") }), '.', context);
  expect([m!.id, m!.name]).toEqual(['1700000000099', 'Init']);
  expect((m!.up as CommandScript).argv[2]).toBe('Init1700000000099');
});

test('an empty down has no down (missing-down); a throwing one is irreversible; the marker comment too', () => {
  const ms = typeorm.parse(
    files({
      '1-a.ts': migration('A1700000000001', '// nothing to undo'),
      '2-b.ts': migration('B1700000000002', "throw new Error('irreversible: rows were merged');"),
      '3-c.ts': migration('C1700000000003').replace('export class', '// rollback-verify: irreversible\nexport class'),
    }),
    'm',
    context,
  );
  expect(ms[0]!.down).toBeUndefined();
  expect(ms[0]!.markers).toEqual({});
  expect(ms[1]!.markers.irreversible).toEqual({ file: 'm/2-b.ts', line: 9 });
  expect(ms[1]!.down).toBeDefined();
  expect(ms[2]!.markers.irreversible).toEqual({ file: 'm/3-c.ts', line: 3 });
});

test('errors TypeORM raises too: a name without a timestamp, two migrations of one name', () => {
  const noStamp = thrown(() => typeorm.parse(files({ 'x.ts': migration('AddUsers') }), 'm', context));
  expect(noStamp).toBeInstanceOf(ConfigError);
  expect(noStamp.message).toBe('m/x.ts:3: migration AddUsers has no JavaScript timestamp at the end of its name (TypeORM requires one, e.g. AddUsers1700000000000)');
  const twice = thrown(() => typeorm.parse(files({ 'a.ts': migration('A1700000000001'), 'b.ts': migration('A1700000000001') }), 'm', context));
  expect(twice.message).toContain('two migrations are named A1700000000001: m/a.ts and m/b.ts');
});

test('detected from MigrationInterface classes; compiled JavaScript too; not by the other Node formats', () => {
  expect(detectFormat(files({ '1700000000001-A.ts': migration('A1700000000001') })).name).toBe('typeorm');
  const compiled = `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nclass A1700000000001 {\n    async up(queryRunner) { await queryRunner.query('CREATE TABLE a ()'); }\n    async down(queryRunner) { await queryRunner.query('DROP TABLE a'); }\n}\nexports.A1700000000001 = A1700000000001;\n`;
  expect(detectFormat(files({ '1700000000001-A.js': compiled })).name).toBe('typeorm');
  expect(typeorm.parse(files({ '1700000000001-A.js': compiled, '1700000000001-A.d.ts': 'export declare class A1700000000001 {}' }), '.', context)).toHaveLength(1);
});
