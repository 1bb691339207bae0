import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

export class CustomerOrderTotals1700000000004 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('orders', new TableIndex({ name: 'orders_status_idx', columnNames: ['status'] }));
    await queryRunner.query(`
      CREATE VIEW customer_order_totals AS
      SELECT c.id AS customer_id,
             c.email,
             count(o.id) AS order_count,
             coalesce(sum(o.total_cents), 0) AS total_cents
      FROM customers c
      LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
      GROUP BY c.id, c.email`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW customer_order_totals');
    await queryRunner.dropIndex('orders', 'orders_status_idx');
  }
}
