# The smallest settings a project with migrations needs. The database is the team's development
# database on a host that exists only in their docker-compose network: rollback-verify never
# connects to it, it runs every migration against its own scratch database.
SECRET_KEY = "example-only"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shop",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db",
        "NAME": "shop_development",
        "USER": "shop",
        "PASSWORD": "shop",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
