import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateCustomers1700000000001 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'customers',
        columns: [
          { name: 'id', type: 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'identity' },
          { name: 'email', type: 'text' },
          { name: 'name', type: 'text' },
          { name: 'created_at', type: 'timestamptz', default: 'now()' },
        ],
      }),
    );
    await queryRunner.query('CREATE UNIQUE INDEX customers_email_lower_idx ON customers (lower(email))');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('customers');
  }
}
