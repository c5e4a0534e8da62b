"""docker-compose.yml cannot run here (no engine): check it parses and agrees with the code."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_parses_and_agrees_with_the_code():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "airflow"} <= set(services)
    env = services["airflow"]["environment"]
    for name in ("KINERJA_WAREHOUSE_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__DAGS_FOLDER",
                 "KINERJA_LANDING_DIR", "KINERJA_OPEN_DATA_DIR"):
        assert name in env, name
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["airflow"]["volumes"]}
    dags_in_container = Path(env["AIRFLOW__CORE__DAGS_FOLDER"])
    app_dir = Path(next(target for target, src in mounts.items() if src == "./"))
    assert dags_in_container == app_dir / "dags"
    assert (ROOT / dags_in_container.relative_to(app_dir) / "kinerja_bulanan.py").exists()
    assert (ROOT / "deploy" / "postgres-init.sql").exists()
    assert "KINERJA_DB_PASSWORD" in (ROOT / ".env.example").read_text()
    # no secret committed: passwords come from .env
    assert "${KINERJA_DB_PASSWORD" in (ROOT / "docker-compose.yml").read_text()


def test_code_reads_the_settings_compose_provides():
    source = "\n".join(p.read_text() for p in (ROOT / "etl").rglob("*.py"))
    for name in ("KINERJA_WAREHOUSE_URL", "KINERJA_LANDING_DIR", "KINERJA_OPEN_DATA_DIR", "KINERJA_SOURCES_DIR"):
        assert name in source, name
