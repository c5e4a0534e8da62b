with dinilai_ulang as (
    select * from {{ ref('int_evaluasi__dinilai_ulang') }}
),

final as (
    select
        instansi_kode,
        periode,
        nip,
        skp_id,
        unit_kode,
        regime,
        rating_hasil_kerja,
        rating_perilaku_kerja,
        predikat_sumber,
        predikat_dihitung,
        case
            when regime <> 'PERMEN6_2022' or predikat_sumber is null then null
            else predikat_sumber is distinct from predikat_dihitung
        end                                                        as is_predikat_tidak_sesuai,
        penilai_nip,
        penilai_nip = nip                                          as is_menilai_diri_sendiri,
        waktu_dinilai,
        periode_akhir,
        (waktu_dinilai at time zone 'Asia/Jakarta')::date - periode_akhir as hari_setelah_periode,
        is_plt_plh,
        batch_id
    from dinilai_ulang
)

select * from final
