{#
  Each government's latest loaded roster: the state the history snapshot (snapshots/snp_pegawai)
  compares with what it saw before. An employee missing from it has left (the snapshot closes his
  version). `bulan` is the roster's month. Reads one month per government, whatever the history.
#}
with pegawai as (
    {{ baris_bulan_terbaru(ref('stg_canonical__pegawai'), ref('stg_audit__batch'), 'pegawai') }}
),

terkini as (
    select
        instansi_kode,
        nip,
        instansi_kode || ':' || nip     as pegawai_kunci,
        nama,
        status_kepegawaian,
        jenis_kelamin,
        golongan,
        jabatan_nama,
        jabatan_kategori,
        unit_kode,
        atasan_nip,
        aktif,
        periode                         as bulan
    from pegawai
)

select * from terkini
