{#
  The ratings of trained against untrained staff in the periods that follow: per evaluation period
  and government, the people (each once, with the evaluation that speaks for him, is_penentu;
  PermenPANRB 6/2022 or PP 30/2019, the final predikat as in fct_evaluasi_kinerja) of employees who completed a training in the var pelatihan_jendela_bulan
  months before the period began (SETELAH_PELATIHAN) and of the others (TANPA_PELATIHAN), with
  each group's counts per predikat. A period is compared only when the government's training
  register was loaded for the month just before it (otherwise "untrained" could mean "not
  delivered"); jumlah_bulan_register says how many months of the window were loaded, so a short
  history shows. A comparison, not a causal effect. Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    where predikat_final is not null and is_penentu  -- people: the evaluation that speaks for each
      {% if is_incremental() %}and {{ pada_periode_dijalankan('periode') }}{% endif %}
),

periode as (
    select distinct
        instansi_kode,
        periode,
        ({{ periode_awal('periode') }})::date                              as awal
    from evaluasi
),

jendela as (
    select
        periode.*,
        to_char(periode.awal - interval '{{ var("pelatihan_jendela_bulan") }} months', 'YYYY-MM') as bulan_pertama,
        to_char(periode.awal - interval '1 month', 'YYYY-MM')              as bulan_terakhir
    from periode
),

register as (
    select instansi_kode, periode as bulan
    from {{ ref('stg_audit__batch') }}
    where entity = 'pelatihan' and is_current and status = 'loaded'
),

lengkap as (
    -- the periods whose window ends in a loaded training register, and how much of it is loaded
    select jendela.instansi_kode, jendela.periode, jendela.bulan_pertama, jendela.bulan_terakhir,
           count(distinct register.bulan)                                  as jumlah_bulan_register
    from jendela
    join register
        on register.instansi_kode = jendela.instansi_kode
        and register.bulan between jendela.bulan_pertama and jendela.bulan_terakhir
    group by 1, 2, 3, 4
    having bool_or(register.bulan = jendela.bulan_terakhir)
),

terlatih as (
    select distinct lengkap.instansi_kode, lengkap.periode, pelatihan.nip
    from lengkap
    join {{ ref('stg_canonical__pelatihan') }} as pelatihan
        on pelatihan.instansi_kode = lengkap.instansi_kode
        and pelatihan.periode between lengkap.bulan_pertama and lengkap.bulan_terakhir
    -- the same window as literals, so that only its months' partitions of raw are read, not the history's
    {% if is_incremental() %}where {{ pada_bulan_sebelum_periode_dijalankan('pelatihan.periode', var('pelatihan_jendela_bulan')) }}{% endif %}
),

kelompok as (
    select
        evaluasi.instansi_kode,
        evaluasi.periode,
        evaluasi.regime,
        case when terlatih.nip is not null then 'SETELAH_PELATIHAN' else 'TANPA_PELATIHAN' end as kelompok,
        lengkap.jumlah_bulan_register,
        evaluasi.predikat_final
    from evaluasi
    join lengkap
        on lengkap.instansi_kode = evaluasi.instansi_kode
        and lengkap.periode = evaluasi.periode
    left join terlatih
        on terlatih.instansi_kode = evaluasi.instansi_kode
        and terlatih.periode = evaluasi.periode
        and terlatih.nip = evaluasi.nip
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        regime::text                                                       as regime,
        kelompok::text                                                     as kelompok,
        jumlah_bulan_register::integer                                     as jumlah_bulan_register,
        count(*)::integer                                                  as jumlah_dinilai,
        count(*) filter (where predikat_final = 'SANGAT_BAIK')::integer    as jumlah_sangat_baik,
        count(*) filter (where predikat_final = 'BAIK')::integer           as jumlah_baik,
        count(*) filter (where predikat_final = 'BUTUH_PERBAIKAN')::integer as jumlah_butuh_perbaikan,
        count(*) filter (where predikat_final = 'KURANG')::integer         as jumlah_kurang,
        count(*) filter (where predikat_final = 'SANGAT_KURANG')::integer  as jumlah_sangat_kurang,
        round(100.0 * count(*) filter (where predikat_final in ('SANGAT_BAIK', 'BAIK')) / count(*), 1)::numeric(4, 1)
                                                                           as persen_baik_ke_atas
    from kelompok
    group by 1, 2, 3, 4, 5
)

select * from final
