/** Reading failures from tool output, pure. */
import { describeToolFailure } from '../../src/tools/failure-location.js';

const known = { files: ['migrations/versions/abc_add.py', 'db/verify/users.sql'] };

test('a Python traceback: the exception line, the SQL, and the revision frame', () => {
  const out = `INFO  [alembic.runtime.migration] Running downgrade abc -> 123
Traceback (most recent call last):
  File "/usr/bin/alembic", line 33, in <module>
  File "/work/p/migrations/versions/abc_add.py", line 22, in downgrade
    op.execute("DROP TYPE moood")
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/base.py", line 1900, in _execute_context
sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedObject) type "moood" does not exist

[SQL: DROP TYPE moood]
(Background on this error at: https://sqlalche.me/e/14/f405)
`;
  expect(describeToolFailure(out, known)).toEqual({
    message: 'ProgrammingError: (psycopg2.errors.UndefinedObject) type "moood" does not exist [SQL: DROP TYPE moood]',
    file: 'migrations/versions/abc_add.py',
    line: 22,
  });
});

test("psql's file:line error, mapped to the display path", () => {
  expect(describeToolFailure('psql:verify/users.sql:2: ERROR:  column "nickname" does not exist\nLINE 1: SELECT id, nickname\n', known)).toEqual({
    message: 'column "nickname" does not exist',
    file: 'db/verify/users.sql',
    line: 2,
  });
});

test('a Node error with a stack frame in the migration and a SQLSTATE', () => {
  const out = `error: relation "x" does not exist
    at /app/node_modules/pg/lib/client.js:545:17
    at async Object.up (/app/migrations/versions/abc_add.py:7:3) {
  code: '42P01'
}`;
  expect(describeToolFailure(out, known)).toEqual({ message: 'error: relation "x" does not exist', file: 'migrations/versions/abc_add.py', line: 7, sqlstate: '42P01' });
});
