<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up(): void
    {
        Schema::table('orders', function (Blueprint $table) {
            $table->index('status', 'orders_status_idx');
        });
        DB::statement("
            CREATE VIEW customer_order_totals AS
            SELECT c.id AS customer_id,
                   c.email,
                   count(o.id) AS order_count,
                   coalesce(sum(o.total_cents), 0) AS total_cents
            FROM customers c
            LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
            GROUP BY c.id, c.email");
    }

    public function down(): void
    {
        DB::statement('DROP VIEW customer_order_totals');
        Schema::table('orders', function (Blueprint $table) {
            $table->dropIndex('orders_status_idx');
        });
    }
};
