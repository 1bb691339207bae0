class CreateCustomers < ActiveRecord::Migration[6.1]
  def change
    create_table :customers do |t|
      t.text :email, null: false
      t.text :name, null: false
      t.timestamps
    end
    add_index :customers, "lower(email)", unique: true, name: "customers_email_lower_idx"
  end
end
