import { withoutTrivia } from '../../src/sql/normalize.js';

describe('withoutTrivia', () => {
  test('drops comments and layout, also inside dollar-quoted bodies', () => {
    const a = "CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN -- note\n  RETURN /* x */ 1;\nEND $body$ LANGUAGE plpgsql";
    const b = 'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql';
    expect(withoutTrivia(a)).toBe(withoutTrivia(b));
  });

  test('near misses: strings, quoted identifiers and real tokens still count', () => {
    expect(withoutTrivia("SELECT '-- not a comment'")).not.toBe(withoutTrivia("SELECT ''"));
    expect(withoutTrivia('SELECT "a  b"')).not.toBe(withoutTrivia('SELECT "a b"'));
    expect(withoutTrivia('$$ RETURN 1; $$')).not.toBe(withoutTrivia('$$ RETURN 2; $$'));
  });
});
