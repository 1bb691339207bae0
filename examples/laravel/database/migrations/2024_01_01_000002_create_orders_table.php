<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Support\Facades\DB;

return new class extends Migration
{
    public function up(): void
    {
        DB::statement("CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled')");
        DB::statement('
            CREATE TABLE orders (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
                status       order_status NOT NULL DEFAULT \'pending\',
                total_cents  integer NOT NULL CHECK (total_cents >= 0),
                created_at   timestamptz NOT NULL DEFAULT now()
            )');
        DB::statement('CREATE INDEX orders_customer_id_idx ON orders (customer_id)');
    }

    public function down(): void
    {
        DB::statement('DROP TABLE orders');
        DB::statement('DROP TYPE order_status');
    }
};
