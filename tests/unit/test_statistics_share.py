"""One rule for when a table's own statistics are gathered again (autovacuum's: changes past 50 + a share
of its rows): dbt's statistics post-hook reads var statistik_ambang_perubahan (macros/statistik.sql,
macros/partisi_periode.sql), the raw tables' analysis before dbt (etl.load.analyze_period) a constant.
They must be the same share."""

import yaml

from etl.config import PROJECT_DIR
from etl.load import schema


def test_the_raw_tables_and_dbts_models_use_one_share():
    variables = yaml.safe_load((PROJECT_DIR / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    assert float(variables["statistik_ambang_perubahan"]) == schema.STATISTICS_CHANGE_SHARE
