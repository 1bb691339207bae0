/**
 * The PHP program that runs one Laravel step: the app's own `migrate` / `migrate:rollback`
 * Artisan command, called through the app's console kernel exactly as `php artisan` does it, with
 * one change made after the app has booted (its .env and config loaded): a connection named
 * `rollback_verify` pointing at the scratch database becomes the default, and the commands get
 * `--database=rollback_verify`. Whatever `.env` or `config/database.php` say, the app's own
 * database is never opened. The bookkeeping table is kept as `migrations` (Laravel's default).
 *
 *   up:   migrate --force --realpath --path=<file>           (that one file, one batch)
 *   down: migrate:rollback --force --step=1 --realpath --path=<file>
 *
 * The app root is the nearest directory with an `artisan` file above the migration; the app
 * loads through its `vendor/autoload.php` (composer install) and `bootstrap/app.php`, as
 * `artisan` loads it. Laravel writes its package manifest to `bootstrap/cache/` and logs to
 * `storage/logs/`, which every Laravel app ignores in git.
 *
 * A failure is printed the way Node prints errors (`Error: <Class>: message`, frames as
 * `at <file>:<line>:0`, `code: '<SQLSTATE>'`), so the report names the migration line and the
 * SQLSTATE. Exit codes: 0 done, 1 the migration failed, 3 with one line on stderr when the app
 * cannot boot (src/tools/runner-environment.ts).
 */
import { EnvironmentError } from '../errors.js';
import { LAUNCHER_URL_VARIABLE } from './alembic-launch.js';
import { findProgram } from './find-program.js';
import { ENVIRONMENT_EXIT, ENVIRONMENT_PREFIX } from './runner-environment.js';

/** The environment variable holding the absolute path of the migration file of the step. */
export const LARAVEL_FILE_VARIABLE = 'ROLLBACK_VERIFY_MIGRATION_FILE';

export const LARAVEL_RUNNER = String.raw`
function rv_environment($message) {
    fwrite(STDERR, '${ENVIRONMENT_PREFIX}' . $message . "\n");
    exit(${ENVIRONMENT_EXIT});
}
$command = $argv[1] ?? '';
$file = getenv('${LARAVEL_FILE_VARIABLE}');
$root = dirname($file);
while (!is_file($root . '/artisan')) {
    $up = dirname($root);
    if ($up === $root) rv_environment('no artisan file above ' . $file . ": point rollback-verify at the app's database/migrations");
    $root = $up;
}
chdir($root);
if (!extension_loaded('pdo_pgsql')) rv_environment("PHP has no pdo_pgsql driver: install it (apt-get install php-pgsql, or setup-php with extensions: pdo_pgsql)");
if (!is_file($root . '/vendor/autoload.php')) rv_environment($root . "/vendor/autoload.php is missing: install the app's packages first (composer install)");
try {
    require $root . '/vendor/autoload.php';
    $app = require $root . '/bootstrap/app.php';
    $kernel = $app->make(Illuminate\Contracts\Console\Kernel::class);
    $kernel->bootstrap();
} catch (Throwable $e) {
    rv_environment('the app does not boot: ' . get_class($e) . ': ' . strtok($e->getMessage(), "\n"));
}
$url = parse_url(getenv('${LAUNCHER_URL_VARIABLE}'));
parse_str($url['query'] ?? '', $query);
$config = $app['config'];
$config->set('database.connections.rollback_verify', [
    'driver' => 'pgsql',
    'host' => $query['host'] ?? ($url['host'] ?? '127.0.0.1'),
    'port' => $url['port'] ?? 5432,
    'database' => rawurldecode(ltrim($url['path'] ?? '', '/')),
    'username' => rawurldecode($url['user'] ?? ''),
    'password' => rawurldecode($url['pass'] ?? ''),
    'charset' => 'utf8',
    'prefix' => '',
    'prefix_indexes' => true,
    'schema' => 'public',
    'sslmode' => 'prefer',
]);
$config->set('database.default', 'rollback_verify');
$config->set('database.migrations', 'migrations');
$options = ['--force' => true, '--database' => 'rollback_verify', '--realpath' => true, '--path' => [$file]];
if ($command === 'migrate:rollback') $options['--step'] = 1;
try {
    $status = $kernel->call($command, $options, new Symfony\Component\Console\Output\ConsoleOutput());
} catch (Throwable $e) {
    $name = (new ReflectionClass($e))->getShortName();
    $message = str_replace("\n", ' ', $e->getMessage());
    $lines = ['Error: ' . ($name === 'QueryException' ? $message : $name . ': ' . $message)];
    $lines[] = '    at ' . $e->getFile() . ':' . $e->getLine() . ':0';
    foreach ($e->getTrace() as $frame) {
        if (isset($frame['file'], $frame['line'])) $lines[] = '    at ' . $frame['file'] . ':' . $frame['line'] . ':0';
    }
    $code = $e->getCode();
    if (is_string($code) && preg_match('/^[0-9A-Z]{5}$/', $code)) $lines[] = "  code: '" . $code . "'";
    fwrite(STDERR, implode("\n", $lines) . "\n");
    exit(1);
}
exit($status);
`;

/** The process for a Laravel step: `php -r <runner> -- <artisan command>`. */
export function laravelProcess(argv: readonly string[], cwd: string, file: string): { command: string; args: string[] } {
  const php = findProgram('php', cwd);
  if (!php) throw new EnvironmentError(`${file}: 'php' was not found on PATH: Laravel migrations run with the app's PHP (apt-get install php-cli php-pgsql, or shivammathur/setup-php), then composer install`);
  return { command: php, args: ['-r', LARAVEL_RUNNER, '--', argv[2] ?? ''] };
}
