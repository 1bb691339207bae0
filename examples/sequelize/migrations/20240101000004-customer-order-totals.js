'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('orders', ['status'], { name: 'orders_status_idx' });
    await queryInterface.sequelize.query(`
      CREATE VIEW customer_order_totals AS
      SELECT c.id AS customer_id,
             c.email,
             count(o.id) AS order_count,
             coalesce(sum(o.total_cents), 0) AS total_cents
      FROM customers c
      LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
      GROUP BY c.id, c.email`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP VIEW customer_order_totals');
    await queryInterface.removeIndex('orders', 'orders_status_idx');
  },
};
