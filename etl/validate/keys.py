"""The cross-chunk key check: the suite checks that an entity's natural key is unique within each
chunk of a delivery; for a delivery validated in several chunks the same rule is made to hold for
the whole delivery at load, in one set-based statement on the load's temporary tables (the rows
only ever reach raw and the ledger afterwards). The rule and its sentence are the suite's own."""

from __future__ import annotations

import psycopg
from psycopg import sql

from etl.canonical import entity as entity_def
from etl.validate import load_suite_spec


def uniqueness_rule(entity: str) -> tuple[str, bool]:
    """The suite's rule that the entity's natural key is unique within a delivery, and whether it
    is a single-column rule (which, as in GX, leaves empty keys out)."""
    key = list(entity_def(entity).natural_key)
    for expectation in load_suite_spec(entity)["expectations"]:
        kwargs = expectation["kwargs"]
        if expectation["type"] == "expect_column_values_to_be_unique" and [kwargs.get("column")] == key \
                and not kwargs.get("row_condition"):
            return expectation["meta"]["rule"], True
        if expectation["type"] == "expect_compound_columns_to_be_unique" and list(kwargs.get("column_list")) == key:
            return expectation["meta"]["rule"], False
    return f"{' + '.join(key)} must be unique within a delivery", len(key) == 1


def quarantine_duplicates(conn: psycopg.Connection, good: sql.Identifier, quarantine: sql.Identifier, entity: str,
                          batch_id: str, source_file: str) -> tuple[int, int]:
    """The suite checks that the natural key is unique within each chunk; this makes it hold for the
    whole delivery, in one set-based statement, as if the file were one chunk: a key that occurs
    more than once among all the rows received (good or quarantined) sends its good rows to
    quarantine and adds the rule to its quarantined ones. Works on the load's temporary tables of the
    delivery's good rows and of its quarantine (`good`, `quarantine`: etl.load.copy), before anything
    reaches raw or the ledger, which are only ever appended to. Returns (rows moved, rows of the
    delivery that break the rule)."""
    spec = entity_def(entity)
    rule, single = uniqueness_rule(entity)
    keys = [sql.Identifier(c) for c in spec.natural_key]
    key_list = sql.SQL(", ").join(keys)
    from_json = sql.SQL(", ").join(sql.SQL("q.row_data ->> {}").format(sql.Literal(c)) for c in spec.natural_key)
    not_empty = sql.SQL(" and ").join(sql.SQL("{} is not null").format(k) for k in keys) if single else sql.SQL("true")
    same = lambda alias: sql.SQL(" and ").join(  # noqa: E731
        sql.SQL("d.{k} is not distinct from {a}").format(k=k, a=alias(c)) for k, c in zip(keys, spec.natural_key))
    payload = sql.SQL(", ").join(sql.SQL("{}, r.{}").format(sql.Literal(c), sql.Identifier(c)) for c in spec.columns)
    statement = sql.SQL(
        """
        with received as (
            select {key_list} from {good}
            union all
            select {from_json} from {quarantine} q
        ), dup as (
            select {key_list} from received where {not_empty} group by {key_list} having count(*) > 1
        ), flagged as (
            update {quarantine} q set reasons = q.reasons || jsonb_build_array(%(rule)s::text)
            where not q.reasons ? %(rule)s and exists (select 1 from dup d where {same_q})
            returning 1
        ), moved as (
            delete from {good} r where exists (select 1 from dup d where {same_r})
            returning r.*
        )
        insert into {quarantine} (batch_id, row_number, source_file, row_data, reasons)
        select %(batch)s, r._row, %(source)s, jsonb_build_object({payload}), jsonb_build_array(%(rule)s::text)
        from moved r
        """
    ).format(good=good, quarantine=quarantine, key_list=key_list, from_json=from_json, not_empty=not_empty,
             payload=payload, same_q=same(lambda c: sql.SQL("q.row_data ->> {}").format(sql.Literal(c))),
             same_r=same(lambda c: sql.SQL("r.{}").format(sql.Identifier(c))))
    with conn.cursor() as cur:
        cur.execute(statement, {"batch": batch_id, "source": source_file, "rule": rule})
        moved = cur.rowcount
    failed = conn.execute(sql.SQL("select count(*) from {} where reasons ? %s").format(quarantine), (rule,)).fetchone()[0]
    return moved, failed


def with_uniqueness_count(entity: str, results: list[dict], received: int, failed: int) -> list[dict]:
    """The rule counts with the uniqueness rule's taken over the whole delivery."""
    spec = entity_def(entity)
    rule, single = uniqueness_rule(entity)
    whole = {"rule": rule, "expectation": "expect_column_values_to_be_unique" if single
             else "expect_compound_columns_to_be_unique", "column_name": ",".join(spec.natural_key),
             "rows_evaluated": received, "rows_failed": failed}
    if any(r["rule"] == rule for r in results):
        return [r | {"rows_failed": failed} if r["rule"] == rule else r for r in results]
    return [*results, whole]
