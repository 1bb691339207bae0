<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up(): void
    {
        Schema::create('customers', function (Blueprint $table) {
            $table->id();
            $table->text('email');
            $table->text('name');
            $table->timestampTz('created_at')->useCurrent();
        });
        DB::statement('CREATE UNIQUE INDEX customers_email_lower_idx ON customers (lower(email))');
    }

    public function down(): void
    {
        Schema::drop('customers');
    }
};
