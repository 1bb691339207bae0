class CreateOrders < ActiveRecord::Migration[6.1]
  def change
    create_table :orders do |t|
      t.references :customer, null: false, foreign_key: { on_delete: :cascade }
      t.string :status, null: false, default: "pending"
      t.integer :total_cents, null: false
      t.timestamps
    end
    add_check_constraint :orders, "total_cents >= 0", name: "orders_total_cents_check"
  end
end
