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
            $table->timestampTz('updated_at')->useCurrent();
        });
        DB::unprepared('
            CREATE FUNCTION touch_updated_at() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END;
            $$;
            CREATE TRIGGER orders_touch_updated_at
                BEFORE UPDATE ON orders
                FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
        ');
    }

    public function down(): void
    {
        DB::unprepared('
            DROP TRIGGER orders_touch_updated_at ON orders;
            DROP FUNCTION touch_updated_at();
        ');
        Schema::table('orders', function (Blueprint $table) {
            $table->dropColumn('updated_at');
        });
    }
};
