# frozen_string_literal: true

# rollback-verify's Rails runner: boots the app once, then applies or reverts one migration per
# request exactly as `bin/rails db:migrate:up VERSION=…` / `db:migrate:down VERSION=…` do
# (activerecord/lib/active_record/railties/databases.rake: `connection.migration_context.run`,
# i.e. Migrator#run: the advisory lock, one transaction per migration unless it disables it,
# schema_migrations and ar_internal_metadata written by Rails itself). What it leaves out is the
# task's `db:_dump`, so no db/schema.rb or structure.sql is written.
#
# Usage: ruby rails-runner.rb <app root> <migrations dir> <log dir>
# Environment: DATABASE_URL, the scratch database (Rails merges it over config/database.yml).
# Requests: JSON lines on stdin, {"id":1,"direction":"up","version":"20240101120000"}.
# Replies: JSON lines on file descriptor 3, so whatever the app prints cannot corrupt them:
#   {"event":"ready",…} or {"event":"boot-failed","error":{…}} once, then one reply per request.

require "json"
require "stringio"
require "uri"

$stdout.sync = true
$stderr.sync = true
CHANNEL = IO.new(3, "w")
CHANNEL.sync = true

APP_ROOT, MIGRATIONS_DIR, LOG_DIR = ARGV
# What Migrator wraps every failure in (Migrator#execute_migration_in_transaction).
WRAPPER = /\AAn error has occurred, (this and )?all later migrations canceled:\s*/.freeze

def reply(message)
  CHANNEL.puts(JSON.generate(message))
end

# The exception and its causes, outermost first.
def chain_of(error)
  chain = []
  while error && chain.size < 10
    chain << error
    error = error.cause
  end
  chain
end

# [path, line] of every frame, innermost first, over the whole chain of causes.
def frames_of(chain)
  chain.flat_map do |e|
    (e.backtrace || []).filter_map do |frame|
      m = /\A(.+?):(\d+)(?::in |\z)/.match(frame)
      [m[1], m[2].to_i] if m
    end
  end
end

def describe(error)
  chain = chain_of(error)
  shown = chain.find { |e| !(e.instance_of?(StandardError) && WRAPPER.match?(e.message)) } || error
  message = shown.message.to_s.sub(WRAPPER, "")
  details = { "class" => shown.class.name, "message" => message, "frames" => frames_of(chain) }
  if defined?(ActiveRecord::IrreversibleMigration) && chain.any? { |e| e.is_a?(ActiveRecord::IrreversibleMigration) }
    details["irreversible"] = true
  end
  pg_error = defined?(PG::Error) && chain.find { |e| e.is_a?(PG::Error) }
  if pg_error
    result = pg_error.respond_to?(:result) ? pg_error.result : nil
    sqlstate = result&.error_field(PG::PG_DIAG_SQLSTATE)
    details["sqlstate"] = sqlstate if sqlstate
    details["connectionLost"] = true if pg_error.is_a?(PG::ConnectionBad) || pg_error.is_a?(PG::UnableToSend)
  end
  details["connectionLost"] = true if defined?(ActiveRecord::ConnectionNotEstablished) && chain.any? { |e| e.is_a?(ActiveRecord::ConnectionNotEstablished) }
  details
end

# Runs a block with $stdout and $stderr captured (Migration#say writes there), returning the text.
def capturing(out = StringIO.new)
  saved = [$stdout, $stderr]
  $stdout = out
  $stderr = out
  yield
  out.string
ensure
  $stdout, $stderr = saved
end

def boot
  Dir.chdir(APP_ROOT)
  require File.join(APP_ROOT, "config", "application")
  config = Rails.application.config
  # Logs go to the run's temp dir, not to the app's log/ (config/environments may still set
  # config.logger, e.g. to STDOUT: that output is kept with the step's output).
  config.paths["log"] = File.join(LOG_DIR, "#{Rails.env}.log")
  require File.join(APP_ROOT, "config", "environment")
  ActiveRecord::Base.dump_schema_after_migration = false
  # What the db:load_config task does before db:migrate:up.
  if ActiveRecord::Base.configurations.empty?
    ActiveRecord::Base.configurations = ActiveRecord::Tasks::DatabaseTasks.database_configuration
  end
  ActiveRecord::Migrator.migrations_paths = ActiveRecord::Tasks::DatabaseTasks.migrations_paths
end

# The app's own migration context: the paths and schema_migrations table the task uses.
def migration_context
  pool = ActiveRecord::Base.connection_pool
  pool.respond_to?(:migration_context) ? pool.migration_context : ActiveRecord::Base.connection.migration_context
end

def migrations_paths
  pool = ActiveRecord::Base.connection_pool
  paths = pool.db_config.respond_to?(:migrations_paths) ? pool.db_config.migrations_paths : nil
  Array(paths || ActiveRecord::Migrator.migrations_paths).map { |p| File.expand_path(p, APP_ROOT) }
end

# The database the app would connect to, read from its configuration without connecting, so a
# configuration that ignores DATABASE_URL is refused before anything reaches another database.
def check_target
  url = URI.parse(ENV.fetch("DATABASE_URL"))
  query = URI.decode_www_form(url.query.to_s).to_h
  wanted = {
    host: (url.host.to_s.empty? ? query["host"] : url.host).to_s.delete_prefix("[").delete_suffix("]"),
    port: (url.port || query["port"] || 5432).to_i,
    database: URI.decode_www_form_component(url.path.delete_prefix("/")),
  }
  config = ActiveRecord::Base.connection_db_config.configuration_hash
  actual = { host: config[:host].to_s.delete_prefix("[").delete_suffix("]"), port: (config[:port] || 5432).to_i, database: config[:database].to_s }
  return nil if actual == wanted

  "the app's database configuration for #{Rails.env} does not take DATABASE_URL: it would connect to " \
    "#{actual[:database]} on #{actual[:host]}:#{actual[:port]} (config/database.yml or an initializer sets it)"
end

# A fresh process per phase is what the task gives: no session state (SET, temp tables), no
# cached column information, no schema cache carries over to the next phase.
def forget_connections
  ActiveRecord::Base.connection_handler.connection_pool_list.each(&:disconnect!)
  ActiveRecord::Base.descendants.each do |model|
    model.reset_column_information
  rescue StandardError
    nil
  end
end

def run_step(request)
  direction = request.fetch("direction")
  version = request.fetch("version")
  unless %w[up down].include?(direction) && /\A\d+\z/.match?(version)
    return { "ok" => false, "error" => { "class" => "ArgumentError", "message" => "bad request #{request.inspect}", "frames" => [] } }
  end

  error = nil
  output = capturing do
    migration_context.run(direction.to_sym, version.to_i)
  rescue Exception => e # rubocop:disable Lint/RescueException -- the step's failure, whatever it is
    error = e
  end
  error ? { "ok" => false, "error" => describe(error), "output" => output } : { "ok" => true, "output" => output }
ensure
  forget_connections
end

boot_output = StringIO.new
begin
  capturing(boot_output) { boot }
  paths = migrations_paths
  dir = File.expand_path(MIGRATIONS_DIR)
  unless paths.include?(dir)
    reply("event" => "boot-failed", "error" => { "class" => "MigrationsPath", "message" => "#{dir} is not one of the app's migrations paths (#{paths.join(', ')})", "frames" => [] })
    exit 3
  end
  wrong = check_target
  if wrong
    reply("event" => "boot-failed", "error" => { "class" => "DatabaseConfiguration", "message" => wrong, "frames" => [] })
    exit 3
  end
rescue Exception => e # rubocop:disable Lint/RescueException -- a failing boot is reported, never a hang
  reply("event" => "boot-failed", "error" => describe(e), "output" => boot_output.string)
  exit 3
end

reply("event" => "ready", "versions" => { "rails" => Rails.version, "ruby" => RUBY_VERSION }, "output" => boot_output.string)
$stdin.each_line do |line|
  request = JSON.parse(line)
  reply(run_step(request).merge("id" => request["id"]))
end
