{#
  Each employee as the latest roster that lists them says: the state the history snapshot
  (snapshots/snp_pegawai.yml) compares with what it saw before. `bulan` is that roster's month.
#}
with pegawai as (
    select * from {{ ref('stg_canonical__pegawai') }}
),

terkini as (
    select distinct on (instansi_kode, nip)
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
    order by instansi_kode, nip, periode desc
)

select * from terkini
