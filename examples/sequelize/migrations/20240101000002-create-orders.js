'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.createTable(
        'orders',
        {
          id: { type: Sequelize.BIGINT, primaryKey: true, autoIncrement: true },
          customer_id: {
            type: Sequelize.BIGINT,
            allowNull: false,
            references: { model: 'customers', key: 'id' },
            onDelete: 'CASCADE',
          },
          status: { type: Sequelize.ENUM('pending', 'paid', 'shipped', 'cancelled'), allowNull: false, defaultValue: 'pending' },
          total_cents: { type: Sequelize.INTEGER, allowNull: false },
          created_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },
        },
        { transaction },
      );
      await queryInterface.addConstraint('orders', { fields: ['total_cents'], type: 'check', where: { total_cents: { [Sequelize.Op.gte]: 0 } }, transaction });
      await queryInterface.addIndex('orders', ['customer_id'], { name: 'orders_customer_id_idx', transaction });
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.dropTable('orders', { transaction });
      // dropTable leaves the enum type Sequelize created for the status column.
      await queryInterface.sequelize.query('DROP TYPE "enum_orders_status"', { transaction });
    });
  },
};
