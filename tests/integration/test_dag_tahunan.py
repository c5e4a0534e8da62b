"""The yearly DAG kinerja_tahunan: thin wiring of etl/tahunan.py, scheduled in January for the year before."""

import pendulum


def test_kinerja_tahunan_shape():
    from etl import dag_common
    from etl.orchestration import YEARLY_DAG_ID, load_dag

    dag = load_dag(YEARLY_DAG_ID)
    assert dag.catchup is True
    assert {"resolve_year", "configured_agencies", "agency.extract", "agency.validate", "agency.load", "transform",
            "publish", "every_agency_loaded"} == set(dag.task_ids)
    assert dag.get_task("transform").trigger_rule == "all_done"  # one government's failure does not stop the year
    assert dag.get_task("every_agency_loaded").trigger_rule == "one_failed"
    assert dag.get_task("transform").downstream_task_ids == {"publish"}
    assert dag.get_task("agency.extract").retries == dag_common.RETRIES
    assert dag.params.get_param("year").schema["pattern"] == r"^[0-9]{4}$"


def test_the_yearly_schedule_runs_in_january_for_the_year_before():
    from etl.orchestration import YEARLY_DAG_ID, load_dag
    from etl.tahunan import year_to_consolidate

    dag = load_dag(YEARLY_DAG_ID)
    after = pendulum.datetime(2027, 1, 5, 3, tz="Asia/Jakarta")
    interval = dag.timetable.infer_manual_data_interval(run_after=after)
    assert interval.start.in_timezone("Asia/Jakarta").year == 2026
    assert year_to_consolidate({}, interval.start, after) == "2026"
