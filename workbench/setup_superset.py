"""Superset's side of `kinerja workbench`: runs in Superset's own virtual environment (never imported
by the `etl` package), with SUPERSET_CONFIG_PATH naming workbench/superset_config.py.

    python setup_superset.py setup  < spec.json   the admin, one connection and one Superset role per
                                                  warehouse reader role, the dashboards imported
    python setup_superset.py user   < spec.json   a workbench user in the Superset role of his reader role
    python setup_superset.py setup-from-environment   `setup` as docker-compose.yml's superset service
                                                  describes it (WORKBENCH_* variables)

The specification comes on standard input (passwords never on a command line). Idempotent: run at
every start, it leaves the metadata as the repository and the warehouse's roles say.

The dashboards are kept in Superset's export format in workbench/dashboards/, over the auditors'
connection (schema marts). A government's readers get the same dashboards over their own connection,
reading their own views (schema instansi_<kode>, docs/access.md): the copies are made here, with
identifiers derived from the originals', so re-importing replaces them in place.
"""

from __future__ import annotations

import copy
import json
import sys
import uuid
from pathlib import Path

import yaml

NAMESPACE = uuid.UUID("6f1c2a4e-5b0d-4c1e-9a55-7e2b8d0f3a10")  # the bundle's own (workbench/dashboards)
AUDITOR = "auditor"
INSTANSI_PREFIX = "instansi_"
# what every workbench user may do besides his connection: read dashboards and charts, use SQL Lab
BASE_ROLES = ("Gamma", "sql_lab")


def database_uuid(role: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"database:{role}"))


def derived(original: str, role: str) -> str:
    return original if role == AUDITOR else str(uuid.uuid5(NAMESPACE, f"{original}:{role}"))


def database_name(role: str) -> str:
    return f"Gudang kinerja — {role}"


def read_bundle(folder: Path) -> dict[str, dict]:
    return {str(path.relative_to(folder)): yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted(folder.rglob("*.yaml"))}


def for_role(bundle: dict[str, dict], role: str, uri: str) -> dict[str, dict]:
    """The bundle over the connection of `role`: a government's copy reads its views, schema
    instansi_<kode>, under identifiers of its own."""
    kode = role[len(INSTANSI_PREFIX):].upper() if role.startswith(INSTANSI_PREFIX) else None
    out: dict[str, dict] = {}
    for name, config in bundle.items():
        config = copy.deepcopy(config)
        if name.startswith("databases/"):
            config.update(uuid=database_uuid(role), database_name=database_name(role), sqlalchemy_uri=uri)
            name = f"databases/gudang_{role}.yaml"
        elif name.startswith("datasets/"):
            config["uuid"] = derived(config["uuid"], role)
            config["database_uuid"] = database_uuid(role)
            if kode:  # a virtual dataset over the government's own view: Superset's SQLite metadata keeps
                # an old UNIQUE (table_name) on its datasets, so each copy has a name of its own
                table = config["table_name"]
                config.update(schema=role, table_name=f"{table}__{role}", sql=f"select * from {role}.{table}")
            name = f"datasets/gudang_{role}/{Path(name).name}"
        elif name.startswith("charts/"):
            config["uuid"] = derived(config["uuid"], role)
            config["dataset_uuid"] = derived(config["dataset_uuid"], role)
            if kode:
                config["slice_name"] = f"{config['slice_name']} ({kode})"
            name = f"charts/{role}/{Path(name).name}"
        elif name.startswith("dashboards/"):
            config["uuid"] = derived(config["uuid"], role)
            if kode:
                config["slug"] = f"{config['slug']}-{kode.lower()}"
                config["dashboard_title"] = f"{config['dashboard_title']} — {kode}"
            for item in config["position"].values():
                meta = item.get("meta") if isinstance(item, dict) else None
                if meta and meta.get("uuid"):
                    meta["uuid"] = derived(meta["uuid"], role)
                    if kode:
                        meta["sliceName"] = f"{meta['sliceName']} ({kode})"
            for native in config["metadata"].get("native_filter_configuration", []):
                for target in native.get("targets", []):
                    if target.get("datasetUuid"):
                        target["datasetUuid"] = derived(target["datasetUuid"], role)
            name = f"dashboards/{role}/{Path(name).name}"
        out[name] = config
    return out


def ensure_admin(spec: dict):
    from superset import security_manager
    from superset.extensions import db

    admin = spec["admin"]
    user = security_manager.find_user(username=admin["username"])
    if not user:
        user = security_manager.add_user(admin["username"], "Workbench", "Admin", f"{admin['username']}@workbench.invalid",
                                         security_manager.find_role("Admin"), password=admin["password"])
    else:
        security_manager.reset_password(user.id, admin["password"])
    db.session.commit()
    return security_manager.find_user(username=admin["username"])


def ensure_connections(connections: list[dict]) -> dict[str, object]:
    """One Superset database per reader role, its user the role itself (the workbench's connection
    mutator logs in as the person), reading only; one Superset role of the same name that may use it
    and nothing else."""
    from superset import security_manager
    from superset.extensions import db
    from superset.models.core import Database

    found = {}
    for item in connections:
        role = item["role"]
        database = db.session.query(Database).filter_by(uuid=uuid.UUID(database_uuid(role))).one_or_none()
        if database is None:
            database = Database(uuid=uuid.UUID(database_uuid(role)), database_name=database_name(role))
            db.session.add(database)
        database.database_name = database_name(role)
        database.set_sqlalchemy_uri(item["uri"])
        database.expose_in_sqllab = True
        database.allow_run_async = False
        database.allow_dml = False
        database.allow_ctas = False
        database.allow_cvas = False
        database.allow_file_upload = False
        database.impersonate_user = False
        database.extra = json.dumps({"allows_virtual_table_explore": True, "engine_params": {},
                                     "metadata_params": {}, "schemas_allowed_for_file_upload": []})
        db.session.flush()
        permission = security_manager.add_permission_view_menu("database_access", database.perm)
        superset_role = security_manager.find_role(role) or security_manager.add_role(role)
        superset_role.permissions = [permission]  # this connection, and nothing else
        found[role] = database
    db.session.commit()
    return found


def import_bundle(folder: Path, connections: list[dict]) -> list[str]:
    """The repository's dashboards over every connection that reads marts (the auditors', each
    government's); publik's reads only the public tables and gets none. Datasets and charts are
    imported over what is there (the repository wins), then the dashboards."""
    from superset.commands.chart.importers.v1 import ImportChartsCommand
    from superset.commands.dashboard.importers.v1 import ImportDashboardsCommand
    from superset.commands.dataset.importers.v1 import ImportDatasetsCommand

    bundle = read_bundle(folder)
    contents: dict[str, dict] = {}
    for item in connections:
        if item["role"] == AUDITOR or item["role"].startswith(INSTANSI_PREFIX):
            contents.update(for_role(bundle, item["role"], item["uri"]))
    metadata = {"version": "1.0.0", "timestamp": bundle["metadata.yaml"]["timestamp"]}

    def texts(kinds: tuple[str, ...], kind: str) -> dict[str, str]:
        chosen = {name: yaml.safe_dump(config) for name, config in contents.items() if name.startswith(kinds)}
        chosen["metadata.yaml"] = yaml.safe_dump({**metadata, "type": kind})
        return chosen

    ImportDatasetsCommand(texts(("databases/", "datasets/"), "SqlaTable"), overwrite=True).run()
    ImportChartsCommand(texts(("databases/", "datasets/", "charts/"), "Slice"), overwrite=True).run()
    ImportDashboardsCommand(texts(("databases/", "datasets/", "charts/", "dashboards/"), "Dashboard"),
                            overwrite=True).run()
    return sorted(config["slug"] for name, config in contents.items() if name.startswith("dashboards/"))


def setup(spec: dict) -> dict:
    from superset.utils.core import override_user

    admin = ensure_admin(spec)
    with override_user(admin):
        ensure_connections(spec["connections"])
        slugs = import_bundle(Path(spec["bundle"]), spec["connections"])
    return {"dashboards": slugs}


def spec_from_environment() -> dict:
    """`setup`'s specification from the environment docker-compose.yml gives the superset service."""
    import os
    from urllib.parse import quote, urlencode

    host, port, name = (os.environ["WORKBENCH_DB_HOST"], os.environ.get("WORKBENCH_DB_PORT", "5432"),
                        os.environ["WORKBENCH_DB_NAME"])
    query = urlencode({"sslmode": os.environ["WORKBENCH_DB_SSLMODE"]}) if os.environ.get("WORKBENCH_DB_SSLMODE") else ""
    roles = [r.strip() for r in os.environ["WORKBENCH_READERS"].split(",") if r.strip()]
    return {"admin": {"username": "workbench_admin", "password": os.environ["WORKBENCH_ADMIN_PASSWORD"]},
            "bundle": str(Path(__file__).resolve().parent / "dashboards"),
            "connections": [{"role": role, "uri": f"postgresql+psycopg2://{role}@{host}:{port}/{quote(name)}"
                             + (f"?{query}" if query else "")} for role in roles]}


def write_password(login: str, password: str) -> None:
    """The workbench login's warehouse password into the workbench's password file (mode 0600), as
    `kinerja warehouse grant-login … --workbench` does on a checkout (docker compose: the login is made
    by grant-login in airflow-cli with this password, then given here)."""
    import os

    path = Path(os.environ["WORKBENCH_HOME"]) / "pgpass"
    lines = [line for line in (path.read_text().splitlines() if path.exists() else []) if line.split(":")[3:4] != [login]]
    lines.append(f"*:*:*:{login}:{password}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def user(spec: dict) -> dict:
    """A workbench user: his warehouse reader role's Superset role (which connection he may use),
    with Gamma and sql_lab (what he may do in Superset); with `warehouse_password`, his login's
    warehouse password kept in the workbench's password file too."""
    from superset import security_manager
    from superset.extensions import db

    if spec.get("warehouse_password"):
        write_password(spec["login"], spec["warehouse_password"])
    role = security_manager.find_role(spec["role"])
    if role is None:
        raise SystemExit(f"the workbench has no connection for {spec['role']}: start it once (kinerja workbench)")
    roles = [role, *(security_manager.find_role(name) for name in BASE_ROLES)]
    found = security_manager.find_user(username=spec["login"])
    if found:
        found.roles = roles
        found.active = True
        db.session.commit()
        security_manager.reset_password(found.id, spec["password"])
        created = False
    else:
        if not security_manager.add_user(spec["login"], spec["login"], spec["role"], f"{spec['login']}@workbench.invalid",
                                         roles, password=spec["password"]):
            raise SystemExit(f"Superset did not create the user {spec['login']}")
        created = True
    db.session.commit()
    return {"created": created}


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in ("setup", "user", "setup-from-environment"):
        raise SystemExit("usage: setup_superset.py setup|user < spec.json, or setup_superset.py setup-from-environment")
    spec = spec_from_environment() if command == "setup-from-environment" else json.load(sys.stdin)
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        result = user(spec) if command == "user" else setup(spec)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
