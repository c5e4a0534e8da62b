"""What a failed dbt node says in the run's error: one line, with the server's own words for a
database error (etl.transform._what_failed)."""

from etl.transform import _what_failed


def test_a_database_error_says_what_the_server_said():
    message = """Database Error in model fct_rhk_capaian (models/marts/akuntabilitas/fct_rhk_capaian.sql)
  could not create unique index "fct_rhk_capaian__baru__kunci"
  DETAIL:  Key (instansi_kode, nip, skp_id, periode, rhk_kode)=(PAUH, 1991, S, 2026-10, RHK-1) is duplicated.
  compiled code at /tmp/x/run/kinerja/models/marts/akuntabilitas/fct_rhk_capaian.sql"""
    assert _what_failed(message) == (
        "Database Error in model fct_rhk_capaian (models/marts/akuntabilitas/fct_rhk_capaian.sql): "
        'could not create unique index "fct_rhk_capaian__baru__kunci" '
        "DETAIL:  Key (instansi_kode, nip, skp_id, periode, rhk_kode)=(PAUH, 1991, S, 2026-10, RHK-1) is duplicated.")


def test_other_failures_keep_their_first_line():
    assert _what_failed("Got 3 results, configured to fail if != 0\nmore") == "Got 3 results, configured to fail if != 0"
    assert _what_failed("Database Error in model x\n  compiled code at /tmp/y") == "Database Error in model x:"
    assert _what_failed("error") == "error"
