import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1700000000002 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled')`);
    await queryRunner.query(`
      CREATE TABLE orders (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        status       order_status NOT NULL DEFAULT 'pending',
        total_cents  integer NOT NULL CHECK (total_cents >= 0),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX orders_customer_id_idx ON orders (customer_id)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE orders');
    await queryRunner.query('DROP TYPE order_status');
  }
}
