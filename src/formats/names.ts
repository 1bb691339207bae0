/**
 * The names of the migration formats. A module of its own, below both the formats (which parse)
 * and the result (which records which format ran), so neither has to import the other.
 */
export const FORMAT_NAMES = [
  'golang-migrate', 'dbmate', 'goose', 'flyway', 'prisma', 'rollback-sql', 'diesel', 'pop', 'alembic', 'sqitch',
  'node-pg-migrate', 'knex', 'commands',
  // Framework formats: the framework's own migration runner drives each step.
  'typeorm', 'sequelize', 'laravel', 'rails', 'django',
] as const;

export type FormatName = (typeof FORMAT_NAMES)[number];
