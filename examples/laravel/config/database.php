<?php

// The team's development database. rollback-verify never connects here: it gives the app a
// connection to its scratch database (the host does not even resolve).
return [
    'default' => env('DB_CONNECTION', 'pgsql'),
    'connections' => [
        'pgsql' => [
            'driver' => 'pgsql',
            'url' => env('DATABASE_URL'),
            'host' => env('DB_HOST', 'db.shop.invalid'),
            'port' => env('DB_PORT', '5432'),
            'database' => env('DB_DATABASE', 'shop_development'),
            'username' => env('DB_USERNAME', 'shop'),
            'password' => env('DB_PASSWORD', 'shop'),
            'charset' => 'utf8',
            'prefix' => '',
            'prefix_indexes' => true,
            'schema' => 'public',
            'sslmode' => 'prefer',
        ],
    ],
    'migrations' => 'migrations',
];
