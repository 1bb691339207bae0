import { usePostgres } from '../helpers/postgres.js';
import { verify } from '../helpers/migrations.js';

const pg = usePostgres();
const root = process.cwd();
const SQL_FORMATS = ['golang-migrate', 'dbmate', 'goose', 'flyway', 'prisma', 'rollback-sql', 'diesel', 'pop'] as const;

describe.each(SQL_FORMATS)('%s through the whole engine', (format) => {
  test('the example verifies clean, detected automatically', async () => {
    const r = await verify(root, `examples/${format}`, pg.server().adminUrl);
    expect(r.format).toBe(format);
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.migrations.length).toBeGreaterThanOrEqual(3);
    expect(r.migrations.every((m) => m.status === 'ok')).toBe(true);
  });

  test('the broken variant fails, naming the index its down leaves behind', async () => {
    const r = await verify(root, `__fixtures__/formats/${format}-broken`, pg.server().adminUrl);
    expect(r.status).toBe('fail');
    const residue = r.problems.find((p) => p.kind === 'rollback-residue');
    expect(residue?.object).toBe('index public.orders_status_idx');
  });
});
