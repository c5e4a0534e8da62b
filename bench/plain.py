"""The plain way, for comparison: what a team would write first, on the same files.

Per delivered file: `pandas.read_csv` (every column as text), Great Expectations on the whole
DataFrame with the project's own suite (expectations/<entity>.json, COMPLETE results so the bad
rows can be found), `DataFrame.to_sql` into a schema of its own; then a full-refresh `dbt build`
of the same project as the command line runs it: the server's session defaults (JIT on, its
work_mem), which ours changes for dbt's sessions (etl.transform.session_options).
"""

from __future__ import annotations

import logging

import pandas as pd
import sqlalchemy as sa

from bench import measure
from bench.world import World


def _suites(context, entities):
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    from etl.validate import load_suite_spec

    suites = {}
    for entity in entities:
        spec = load_suite_spec(entity)
        suites[entity] = context.suites.add(ExpectationSuite(
            name=f"plain_{entity}", expectations=[ExpectationConfiguration(**e) for e in spec["expectations"]]))
    return suites


def run(world: World, echo=print) -> list:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from etl import transform, warehouse

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    suites = _suites(context, world.entities)
    batch_definition = context.data_sources.add_pandas("plain").add_dataframe_asset("frame") \
        .add_batch_definition_whole_dataframe("whole")
    engine = sa.create_engine(warehouse.sqlalchemy_url())
    with engine.begin() as conn:
        conn.execute(sa.text("create schema if not exists plain"))
    frames: dict[tuple[str, str], pd.DataFrame] = {}
    failed = 0

    def read():
        for kode in world.agencies:
            for entity in world.entities:
                path = world.path(kode, entity)
                frames[kode, entity] = pd.read_csv(path, dtype=str, keep_default_na=False)
        return sum(len(f) for f in frames.values())

    def validate():
        nonlocal failed
        for (kode, entity), frame in frames.items():
            result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
                suites[entity], result_format={"result_format": "COMPLETE"})
            failed += sum(1 for r in result.results if not r.success)

    def to_sql():
        with engine.begin() as conn:
            for (kode, entity), frame in frames.items():
                frame.to_sql(entity, conn, schema="plain", if_exists="append", index=False)

    stages = []
    try:
        for name, fn in (("read", read), ("validate", validate), ("to_sql", to_sql),
                         ("dbt", lambda: transform.dbt("build", "--full-refresh", tuned=False))):
            stage, _ = measure(name, world.total, fn)
            stages.append(stage)
            echo(f"  plain  {stage.name:<9}{stage.seconds:8.1f} s  {stage.rows_per_second:>10,.0f} rows/s  "
                 f"peak {stage.peak_mb:,.0f} MB")
    finally:
        engine.dispose()
    return stages
