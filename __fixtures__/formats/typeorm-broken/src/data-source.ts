import 'reflect-metadata';
import { DataSource } from 'typeorm';

// The team's development database. rollback-verify never connects here: it points this data
// source at its own scratch database (the host does not even resolve).
export const AppDataSource = new DataSource({
  type: 'postgres',
  host: process.env.DB_HOST ?? 'db.shop.invalid',
  port: 5432,
  username: 'shop',
  password: 'shop',
  database: 'shop_development',
  migrations: [__dirname + '/migrations/*.{ts,js}'],
});
