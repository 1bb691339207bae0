class CreateShipments < ActiveRecord::Migration[6.1]
  def up
    add_column :orders, :shipped_at, :datetime
    create_table :shipments do |t|
      t.references :order, null: false, foreign_key: true
      t.text :carrier, null: false
      t.timestamps
    end
  end

  # Broken on purpose: the down forgets `drop_table :shipments`.
  def down
    remove_column :orders, :shipped_at
  end
end
