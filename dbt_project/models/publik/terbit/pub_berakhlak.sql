{#
  The BerAKHLAK values per instansi and evaluation period, as published (Pauh: attitude and ethics
  beside the numbers): per value (seed berakhlak), of the employees rated on the values, how many were
  rated Di Atas and Di Bawah Ekspektasi on it, as counts and shares, from sel_berakhlak's instansi row.
  The unpublished Sesuai (the rest) is protected too: where it would be a small cell, both counts go.
  No NIP, no expectation text.
#}
with sel as (
    select * from {{ ref('sel_berakhlak') }}
    where baris = '*'
),

berakhlak as (
    select * from {{ ref('berakhlak') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

per_nilai as (
    select
        sel.instansi_kode, sel.periode, berakhlak.perilaku_kode, berakhlak.nama, berakhlak.urutan,
        max(sel.jumlah) filter (where sel.kolom = '*')                                    as pegawai,
        not bool_or(sel.is_disembunyikan) filter (where sel.kolom = '*')                   as pegawai_tampil,
        max(sel.jumlah) filter (where sel.ukuran = lower(berakhlak.perilaku_kode) || '_diatas' and sel.kolom = 'YA') as diatas,
        not bool_or(sel.is_disembunyikan) filter (
            where sel.ukuran = lower(berakhlak.perilaku_kode) || '_diatas' and sel.kolom = 'YA')  as diatas_tampil,
        max(sel.jumlah) filter (where sel.ukuran = lower(berakhlak.perilaku_kode) || '_dibawah' and sel.kolom = 'YA') as dibawah,
        not bool_or(sel.is_disembunyikan) filter (
            where sel.ukuran = lower(berakhlak.perilaku_kode) || '_dibawah' and sel.kolom = 'YA') as dibawah_tampil,
        bool_or(sel.is_disembunyikan) filter (
            where sel.ukuran in (lower(berakhlak.perilaku_kode) || '_diatas', lower(berakhlak.perilaku_kode) || '_dibawah')
               or sel.kolom = '*')                                                         as disembunyikan
    from sel
    cross join berakhlak
    group by 1, 2, 3, 4, 5
),

dijaga as (
    -- Sesuai is not published, but it is jumlah_pegawai - jumlah_diatas - jumlah_dibawah: where all three
    -- are shown and that difference is a small cell (1 to min_cell_size - 1), both counts are withheld
    select
        per_nilai.*,
        diatas_tampil and not coalesce(sesuai_kecil, false)                as diatas_terbit,
        dibawah_tampil and not coalesce(sesuai_kecil, false)               as dibawah_terbit
    from per_nilai
    cross join lateral (
        select pegawai_tampil and diatas_tampil and dibawah_tampil
               and pegawai - diatas - dibawah between 1 and {{ var('min_cell_size') }} - 1 as sesuai_kecil
    ) as selisih
),

final as (
    select
        p.instansi_kode::text                                              as instansi_kode,
        coalesce(instansi.instansi_nama, p.instansi_kode)::text            as instansi_nama,
        p.periode::text                                                    as periode,
        to_char({{ periode_akhir('p.periode') }}, 'YYYY-MM')::text         as bulan_laporan,
        p.perilaku_kode::text                                              as perilaku_kode,
        p.nama::text                                                       as nilai_berakhlak,
        p.urutan::integer                                                  as urutan,
        (case when p.pegawai_tampil then p.pegawai end)::integer           as jumlah_pegawai,
        (case when p.diatas_terbit then p.diatas end)::integer             as jumlah_diatas,
        (case when p.diatas_terbit and p.pegawai_tampil
              then round(100.0 * p.diatas / nullif(p.pegawai, 0), 1) end)::numeric(4, 1) as persen_diatas,
        (case when p.dibawah_terbit then p.dibawah end)::integer           as jumlah_dibawah,
        (case when p.dibawah_terbit and p.pegawai_tampil
              then round(100.0 * p.dibawah / nullif(p.pegawai, 0), 1) end)::numeric(4, 1) as persen_dibawah,
        (coalesce(p.disembunyikan, false) or p.diatas_terbit is false or p.dibawah_terbit is false)::boolean as is_disembunyikan
    from dijaga as p
    left join instansi on instansi.instansi_kode = p.instansi_kode
)

select * from final
