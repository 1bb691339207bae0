'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('orders', 'updated_at', { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') });
    await queryInterface.sequelize.query(`
      CREATE FUNCTION touch_updated_at() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END;
      $$`);
    await queryInterface.sequelize.query(`
      CREATE TRIGGER orders_touch_updated_at
        BEFORE UPDATE ON orders
        FOR EACH ROW EXECUTE FUNCTION touch_updated_at()`);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TRIGGER orders_touch_updated_at ON orders');
    await queryInterface.sequelize.query('DROP FUNCTION touch_updated_at()');
    await queryInterface.removeColumn('orders', 'updated_at');
  },
};
