/** Finding a migration's up/down in JavaScript and TypeScript source, pure. */
import { blankCommentsAndStrings, findJsMethod } from '../../src/formats/js-method.js';

test('a TypeORM class method with a return type: line, body, not empty', () => {
  const src = `export class A1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE a ()');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE a -- } not the end");
  }
}
`;
  const down = findJsMethod(src, 'down')!;
  expect(down).toMatchObject({ line: 6, bodyLine: 6, empty: false });
  expect(down.body).toContain('DROP TABLE a -- } not the end');
  expect(down.throwsLine).toBeUndefined();
  expect(findJsMethod(src, 'up')!.line).toBe(2);
});

test.each([
  ['async down (queryInterface, Sequelize) {\n    /**\n     * Add reverting commands here.\n     */\n  }', true],
  ['down: async (queryInterface) => {\n  // nothing\n}', true],
  ['down: function (queryInterface) {}', true],
  ['down: (queryInterface) => queryInterface.dropTable("users")', false],
  ['down: qi => { return qi.dropTable("users") }', false],
  ["async down(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(`DROP TABLE \\`x\\``) }", false],
])('%s → empty %s', (member, empty) => {
  const m = findJsMethod(`module.exports = {\n  ${member},\n};\n`, 'down');
  expect(m).toBeDefined();
  expect(m!.empty).toBe(empty);
  expect(m!.line).toBe(2);
});

test('a down whose first statement throws (or rejects) says where; a guarded throw does not count', () => {
  const cls = (body: string) => `class A {\n  async down() {\n    ${body}\n  }\n}\n`;
  expect(findJsMethod(cls("throw new Error('irreversible: the data is gone');"), 'down')!.throwsLine).toBe(3);
  expect(findJsMethod(cls("return Promise.reject(new Error('no'));"), 'down')!.throwsLine).toBe(3);
  expect(findJsMethod(cls("if (process.env.X) throw new Error('x');\n    await q.dropTable('a');"), 'down')!.throwsLine).toBeUndefined();
});

test('calls and properties named down are not definitions', () => {
  expect(findJsMethod('await this.down(queryRunner);\nconst x = obj.down;\n', 'down')).toBeUndefined();
  expect(findJsMethod('// async down() {}\nconst s = "down() {}";\n', 'down')).toBeUndefined();
});

test('blanking keeps lengths and lines', () => {
  const src = "a('x;y') // c\n/* d\n e */ `t${1}`\n";
  const out = blankCommentsAndStrings(src);
  expect(out).toHaveLength(src.length);
  expect(out.split('\n')).toHaveLength(src.split('\n').length);
  expect(out).not.toMatch(/[xycde]/);
});
