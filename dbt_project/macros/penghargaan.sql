{#
  Pre-hook of mart_kandidat_penghargaan on a month's run (incremental): the employees whose runs of
  Sangat Baik periods the run can change, in temp table kandidat_penghargaan_disentuh, and their rows
  deleted; the model then computes every run of those employees again, over their whole history,
  and appends them. An employee's runs change only when
    - he has a Sangat Baik that speaks for him in a period the run builds (a run begins, grows, or
      joins the one before it);
    - one of his listed runs covers such a period (a retry or a late delivery may break it, and the
      unit's curve of that period is built again);
    - his name or position in the latest roster is not the one his rows carry (the names come from
      int_pegawai__terkini; someone gone from it has none).
  The periods the run builds are those of the evaluations it consolidates (the partitions
  fct_evaluasi_kinerja replaces), read first and written as literals so that only their partitions
  are read. With 24 months behind it the mart read every Sangat Baik period of the history at every
  run (81,452 rows at 20,000 employees, for the 4,827 of the month's 2,745 people).
#}
{% macro kandidat_disentuh() -%}
    {%- if execute and is_incremental() -%}
        {%- set periode = run_query("select distinct periode from " ~ ref('int_evaluasi__dinilai_ulang')
                                    ~ " where " ~ pada_periode_dijalankan('periode_pengiriman')).columns[0].values() -%}
        {%- set daftar = periode | map('string') | map('replace', "'", "''") | list -%}
        {%- set literal = "'" ~ daftar | join("', '") ~ "'" if daftar else "null::text" -%}
        create temp table kandidat_penghargaan_disentuh on commit drop as
        with periode_dibangun as (
            select unnest(array[{{ literal }}]::text[]) as periode
        )
        select instansi_kode, nip from {{ ref('fct_evaluasi_kinerja') }}
        where periode in ({{ literal }}) and predikat_final = 'SANGAT_BAIK' and is_penentu
        union
        select kandidat.instansi_kode, kandidat.nip from {{ this }} as kandidat
        join periode_dibangun
            on kandidat.jenis_periode = {{ jenis_periode('periode_dibangun.periode') }}
            and periode_dibangun.periode between kandidat.periode_awal and kandidat.periode_akhir
        union
        select kandidat.instansi_kode, kandidat.nip from {{ this }} as kandidat
        left join {{ ref('int_pegawai__terkini') }} as pegawai
            on pegawai.instansi_kode = kandidat.instansi_kode and pegawai.nip = kandidat.nip
        where (kandidat.nama, kandidat.jabatan_nama) is distinct from (pegawai.nama, pegawai.jabatan_nama);
        analyze kandidat_penghargaan_disentuh;
        delete from {{ this }} as kandidat using kandidat_penghargaan_disentuh as disentuh
        where kandidat.instansi_kode = disentuh.instansi_kode and kandidat.nip = disentuh.nip
    {%- endif -%}
{%- endmacro %}
