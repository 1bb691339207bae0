import { isTransactionControl, leadingTriviaLength } from '../../src/sql/lexer.js';
describe('leadingTriviaLength and isTransactionControl', () => {
  test('skip whitespace, line comments and nested block comments', () => {
    const sql = '-- a\n/* outer /* inner */ still comment */\n  COMMIT;';
    expect(sql.slice(leadingTriviaLength(sql))).toBe('COMMIT;');
    expect(isTransactionControl(sql)).toBe(true);
    expect(isTransactionControl('start   transaction;')).toBe(true);
    expect(isTransactionControl('ABORT')).toBe(true);
  });

  test('near misses: statements that merely contain the words are not transaction control', () => {
    expect(isTransactionControl("/* COMMIT */ SELECT 'BEGIN'")).toBe(false);
    expect(isTransactionControl('CREATE TABLE begin_log (id int)')).toBe(false);
    expect(isTransactionControl('/* a /* nested */ COMMIT */ SELECT 1')).toBe(false);
    expect(leadingTriviaLength('  \n ')).toBe(4);
  });
});
