require_relative "boot"
require "active_record/railtie"

module Shop
  # Only what migrations need: Active Record on PostgreSQL.
  class Application < Rails::Application
    config.load_defaults 6.1
    config.eager_load = false
  end
end
