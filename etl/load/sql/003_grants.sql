-- the runtime (kinerja_etl): read both schemas, COPY into raw, append to the ledger; nothing else.
-- The auditor reads both. The raw partitions the owner makes later get the same.

revoke all on schema raw, audit from public;

grant usage on schema raw, audit to kinerja_etl, auditor;

revoke create on schema raw, audit from kinerja_etl;

revoke all on all tables in schema raw, audit from kinerja_etl;

grant select, insert on all tables in schema raw to kinerja_etl;

grant select on all tables in schema audit to kinerja_etl;

grant insert on audit.batch_delivery, audit.batch_extraction, audit.batch_attempt, audit.quarantine_row, audit.validation_result_row, audit.instansi_versi, audit.redaction to kinerja_etl;

grant usage on all sequences in schema audit to kinerja_etl;

grant select on all tables in schema raw, audit to auditor;

alter default privileges in schema raw grant select, insert on tables to kinerja_etl;

alter default privileges in schema raw grant select on tables to auditor;

alter default privileges in schema audit grant select on tables to kinerja_etl, auditor;
