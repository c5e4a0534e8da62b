-- audit.record_load: the one way a load is recorded and put in force (owned by the owner, run
-- with its rights; it checks everything it is told against what the load wrote).

create or replace function audit.record_load(p_attempt bigint, p_batch text, p_received bigint, p_loaded bigint,
                                             p_quarantined bigint, p_validate_seconds numeric, p_load_seconds numeric)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $fn$
-- Records a load of a batch and puts it in force: the rows the calling transaction wrote into the
-- period's partition of raw replace the government's earlier rows of that period. Owned by the
-- owner and run with its rights (the runtime may neither delete from raw nor write a loaded attempt),
-- so it checks everything it is told against what it finds: the batch is in the ledger, the attempt
-- is new, the partition is raw's and attached, exactly p_loaded rows of this batch (and no other
-- row) were written by this transaction, exactly p_quarantined quarantine rows of this attempt, and
-- received = loaded + quarantined. Returns how many earlier rows it removed.
declare
    d audit.batch_delivery;
    parent regclass;
    part regclass;
    mine bigint;
    stray bigint;
    held bigint;
    removed bigint := 0;
    extractions integer;
begin
    select * into d from audit.batch_delivery where batch_id = p_batch;
    if not found then
        raise exception 'batch % is not in the ledger', p_batch;
    end if;
    if p_attempt is null or p_received is null or p_loaded is null or p_quarantined is null or p_loaded < 0
       or p_quarantined < 0 or p_received <> p_loaded + p_quarantined then
        raise exception 'batch %: received % is not loaded % + quarantined %', p_batch, p_received, p_loaded, p_quarantined;
    end if;
    if exists (select from audit.batch_attempt where id = p_attempt) then
        raise exception 'attempt % is recorded already', p_attempt;
    end if;
    if exists (select from audit.batch_attempt where batch_id = p_batch and status = 'loaded'
               and rows_received <> p_received) then
        -- the same delivery (its id is its content's) always holds as many records
        raise exception 'batch % was loaded with another number of rows received than %', p_batch, p_received;
    end if;
    if d.entity !~ '^[a-z][a-z_]*$' or d.periode !~ '^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$' then
        raise exception 'batch % names no raw table (%, %)', p_batch, d.entity, d.periode;
    end if;
    parent := to_regclass(format('raw.%I', d.entity));
    part := to_regclass(format('raw.%I', d.entity || '__' || lower(replace(d.periode, '-', '_'))));
    if parent is null or part is null
       or not exists (select from pg_inherits where inhrelid = part and inhparent = parent)
       or (select relowner from pg_class where oid = part) <> (select relowner from pg_class where oid = parent) then
        raise exception 'batch %: raw.% has no attached partition of the owner for %', p_batch, d.entity, d.periode;
    end if;
    execute format('select count(*) filter (where _batch_id = $1 and _periode = $2),
                           count(*) filter (where _batch_id is distinct from $1 or _periode is distinct from $2)
                    from %s where _instansi_kode = $3 and xmin = pg_current_xact_id()::xid', part)
        into mine, stray using p_batch, d.periode, d.instansi_kode;
    if mine <> p_loaded or stray <> 0 then
        raise exception 'batch %: this transaction wrote % of its rows and % others into %, not the % announced',
            p_batch, mine, stray, part, p_loaded;
    end if;
    select count(*) filter (where batch_id = p_batch), count(*) filter (where batch_id <> p_batch)
        into held, stray from audit.quarantine_row where attempt_id = p_attempt;
    if held <> p_quarantined or stray <> 0 then
        raise exception 'batch %: attempt % holds % quarantined rows of it and % others, not the % announced',
            p_batch, p_attempt, held, stray, p_quarantined;
    end if;
    if exists (select from audit.batch_attempt a join audit.batch_delivery o using (batch_id)
               where a.status = 'loaded' and o.instansi_kode = d.instansi_kode and o.entity = d.entity
                 and o.periode = d.periode) then
        -- the earlier deliveries' rows of this government's period (one hash leaf of the partition)
        execute format('delete from %s where _instansi_kode = $1 and xmin <> pg_current_xact_id()::xid', part)
            using d.instansi_kode;
        get diagnostics removed = row_count;
    end if;
    select count(*) into extractions from audit.batch_extraction where batch_id = p_batch;
    insert into audit.batch_attempt (id, batch_id, attempt, status, rows_received, rows_loaded, rows_quarantined,
                                     validate_seconds, load_seconds)
    values (p_attempt, p_batch, greatest(extractions, 1), 'loaded', p_received, p_loaded, p_quarantined,
            p_validate_seconds, p_load_seconds);
    return removed;
end
$fn$;

revoke all on function audit.record_load(bigint, text, bigint, bigint, bigint, numeric, numeric) from public;

grant execute on function audit.record_load(bigint, text, bigint, bigint, bigint, numeric, numeric) to kinerja_etl;
