# Gems come from the system (Debian's ruby-rails and ruby-pg) here; an app with a Gemfile
# does `require "bundler/setup"` at this point.
