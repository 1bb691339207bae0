import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

export class TouchOrdersUpdatedAt1700000000003 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('orders', new TableColumn({ name: 'updated_at', type: 'timestamptz', default: 'now()' }));
    await queryRunner.query(`
      CREATE FUNCTION touch_updated_at() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END;
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER orders_touch_updated_at
        BEFORE UPDATE ON orders
        FOR EACH ROW EXECUTE FUNCTION touch_updated_at()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER orders_touch_updated_at ON orders');
    await queryRunner.query('DROP FUNCTION touch_updated_at()');
    await queryRunner.dropColumn('orders', 'updated_at');
  }
}
