"""rollback-verify's Django runner.

Sets the project up once, then runs one `manage.py migrate <app> <target>` per request through
Django's own command (call_command, the code manage.py runs: the consistency and conflict checks,
pre_migrate/post_migrate signals, one transaction per atomic migration, django_migrations written
by the executor), against the scratch database whatever the settings say: DATABASES is replaced
before django.setup(), so nothing can reach the database the settings name.

Usage: python -B django-runner.py <project root (manage.py's dir)> <migrations dir> <app label>
Environment: ROLLBACK_VERIFY_DATABASE (JSON: NAME, USER, PASSWORD, HOST, PORT, OPTIONS).
Requests: JSON lines on stdin:
  {"id": 1, "op": "migrate", "app": "shop", "target": "0002_order"}
  {"id": 2, "op": "prepare", "app": "shop", "names": ["0003_x"]}  (other apps' dependencies)
Replies: JSON lines on file descriptor 3, so whatever the project prints cannot corrupt them:
  {"event": "ready", ...} or {"event": "boot-failed", "error": {...}} once, then one per request.
"""
import io
import json
import os
import re
import sys
import traceback

sys.dont_write_bytecode = True
CHANNEL = os.fdopen(3, "w", buffering=1)
ROOT, MIGRATIONS_DIR, APP_GUESS = sys.argv[1:4]


def reply(message):
    CHANNEL.write(json.dumps(message) + "\n")
    CHANNEL.flush()


def chain_of(error):
    chain = []
    while error is not None and len(chain) < 10:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def describe(error):
    chain = chain_of(error)
    frames = []
    for e in chain:
        # Innermost first, like the Ruby runner.
        frames.extend([f.filename, f.lineno] for f in reversed(traceback.extract_tb(e.__traceback__)))
    message = str(error).strip() or type(error).__name__
    details = {"class": type(error).__name__, "message": message, "frames": frames}
    from django.db.migrations.exceptions import IrreversibleError

    if any(isinstance(e, IrreversibleError) for e in chain):
        details["irreversible"] = True
    for e in chain:
        code = getattr(e, "pgcode", None)
        if code:
            details["sqlstate"] = code
            break
    try:
        from django.db.utils import InterfaceError, OperationalError

        if any(isinstance(e, InterfaceError) for e in chain) or (
            any(isinstance(e, OperationalError) for e in chain) and "sqlstate" not in details
        ):
            details["connectionLost"] = True
    except ImportError:
        pass
    return details


class Captured:
    """stdout and stderr of a step, kept for the report (the migrate command prints its progress)."""

    def __enter__(self):
        self.buffer = io.StringIO()
        self.saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.buffer
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self.saved
        return False


def settings_module():
    """manage.py's DJANGO_SETTINGS_MODULE default, unless the environment sets one."""
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return os.environ["DJANGO_SETTINGS_MODULE"]
    with open(os.path.join(ROOT, "manage.py"), encoding="utf-8") as f:
        m = re.search(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""", f.read())
    if not m:
        raise RuntimeError("manage.py does not name a settings module; set DJANGO_SETTINGS_MODULE")
    return m.group(1)


def scratch_databases(configured):
    """Every alias points at the scratch database; the project's ENGINE is kept when it is a PostgreSQL one."""
    scratch = json.loads(os.environ["ROLLBACK_VERIFY_DATABASE"])
    databases = {}
    for alias, config in (configured or {"default": {}}).items():
        engine = config.get("ENGINE", "")
        options = {k: v for k, v in (config.get("OPTIONS") or {}).items() if k not in ("service", "passfile", "host", "port", "dbname", "sslmode")}
        options.update(scratch.get("OPTIONS", {}))
        databases[alias] = {
            **config,
            "ENGINE": engine if ("postgresql" in engine or "postgis" in engine) else "django.db.backends.postgresql",
            "NAME": scratch["NAME"],
            "USER": scratch["USER"],
            "PASSWORD": scratch["PASSWORD"],
            "HOST": scratch["HOST"],
            "PORT": scratch["PORT"],
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
            "ATOMIC_REQUESTS": False,
        }
    return databases


def boot():
    os.chdir(ROOT)
    # manage.py runs with its own directory first on sys.path.
    sys.path.insert(0, ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module()
    from django.conf import settings

    configured = settings.DATABASES
    settings.DATABASES = scratch_databases(configured)
    import django

    django.setup()
    from django.apps import apps
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    # The app whose migrations live in the directory: its label may differ from the folder's name.
    wanted = os.path.realpath(MIGRATIONS_DIR)
    label = None
    for config in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(config.label)
        if not module:
            continue
        try:
            path = __import__(module, fromlist=["__path__"]).__path__
        except ImportError:
            continue
        if any(os.path.realpath(p) == wanted for p in path):
            label = config.label
            break
    if label is None:
        raise LookupError(
            "%s is not the migrations package of any app in INSTALLED_APPS (settings %s)"
            % (MIGRATIONS_DIR, os.environ["DJANGO_SETTINGS_MODULE"])
        )
    # Loads the database backend (psycopg2) now: a missing driver is a boot failure, not a step's.
    connections["default"].ensure_connection()
    connections.close_all()
    return label


def migrate(app, target, out):
    from django.core.management import call_command

    # skip_checks=False: manage.py migrate runs the system checks first, so a step does too.
    call_command("migrate", app, target, interactive=False, verbosity=1, skip_checks=False, stdout=out, stderr=out)


def prepare(app, names, out):
    """Applies the other apps' migrations the new ones depend on (and that do not depend on them)."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    graph = executor.loader.graph
    fresh = {(app, n) for n in names}
    # The new migrations and everything that depends on them (children, across apps).
    after_fresh = set()
    stack = [graph.node_map[node] for node in fresh]
    while stack:
        node = stack.pop()
        if node.key not in after_fresh:
            after_fresh.add(node.key)
            stack.extend(node.children)
    targets = set()
    for node in fresh:
        for parent in graph.node_map[node].parents:
            if parent.key not in after_fresh and parent.key[0] != app:
                targets.add(parent.key)
    applied = executor.loader.applied_migrations
    for target_app, target_name in sorted(targets):
        if (target_app, target_name) not in applied:
            migrate(target_app, target_name, out)


def run(request, label):
    from django.db import connections

    with Captured() as captured:
        try:
            app = label if request.get("app") in (APP_GUESS, label) else request["app"]
            if request["op"] == "migrate":
                migrate(app, request["target"], captured.buffer)
            elif request["op"] == "prepare":
                prepare(app, request["names"], captured.buffer)
            else:
                raise ValueError("unknown request %r" % request)
            result = {"ok": True}
        except BaseException as e:  # the step's failure, whatever it is (SystemExit from a command too)
            result = {"ok": False, "error": describe(e)}
        finally:
            # A new process per phase is what manage.py gives: no session state carries over.
            connections.close_all()
    result["output"] = captured.buffer.getvalue()
    return result


def main():
    try:
        with Captured() as captured:
            label = boot()
    except BaseException as e:
        reply({"event": "boot-failed", "error": describe_boot(e), "output": captured.buffer.getvalue()})
        sys.exit(3)
    import django

    reply({"event": "ready", "versions": {"django": django.get_version(), "python": sys.version.split()[0]}, "app": label, "output": captured.buffer.getvalue()})
    for line in sys.stdin:
        request = json.loads(line)
        result = run(request, label)
        result["id"] = request.get("id")
        reply(result)


def describe_boot(error):
    try:
        return describe(error)
    except ImportError:
        # Django itself is missing: describe() imports it.
        return {"class": type(error).__name__, "message": str(error), "frames": []}


if __name__ == "__main__":
    main()
