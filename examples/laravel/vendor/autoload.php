<?php

// Composer writes this file in a real app (`composer install`). This example loads Debian's
// packaged framework instead (apt-get install php-laravel-framework php-pgsql), so it runs
// without downloading anything, and maps the App\ namespace as composer.json's autoload would.
require '/usr/share/php/Illuminate/autoload.php';

spl_autoload_register(function (string $class): void {
    if (str_starts_with($class, 'App\\')) {
        require __DIR__.'/../app/'.str_replace('\\', '/', substr($class, 4)).'.php';
    }
});
