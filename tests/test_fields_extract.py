"""Classification and label-anchored extraction on synthetic OCR words: sections, repeated labels,
continuation lines, reordered sections, older label wordings, the marriage table with its columns
in either order, the receipt, the register ledger, and pages that are not forms."""

from __future__ import annotations

import pickle

from indexer.fields import read_document
from tests.fieldpages import HEADER, LEFT, check_marriage_values, words_from_lines

CAM_DOAN = (
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên"
)


def birth_standard() -> list:
    return words_from_lines(
        HEADER
        + [
            "TỜ KHAI ĐĂNG KÝ KHAI SINH",
            "Kính gửi: Ủy ban nhân dân xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            "Họ, chữ đệm, tên người yêu cầu: LÂM THỊ HỒNG",
            "Nơi cư trú: Ấp Mỹ Thới, xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            "Giấy tờ tùy thân: CCCD số 094190123456, cấp ngày 02/03/2021",
            "Quan hệ với người được khai sinh: Mẹ",
            "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
            "Họ, chữ đệm, tên: TRỊNH VĂN KHÔI",
            "Ngày, tháng, năm sinh: 05/06/2024",
            "ghi bằng chữ: Ngày năm tháng sáu năm hai nghìn không trăm hai mươi tư",
            "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam",
            "Nơi sinh: Trạm Y tế xã Tân Hội",
            "Quê quán: xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            "Họ, chữ đệm, tên người mẹ: LÂM THỊ HỒNG",
            "Năm sinh: 1990 Dân tộc: Khmer Quốc tịch: Việt Nam",
            "Nơi cư trú: Ấp Mỹ Thới, xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            "Họ, chữ đệm, tên người cha: TRỊNH VĂN SANG",
            "Năm sinh: 1988 Dân tộc: Kinh Quốc tịch: Việt Nam",
            "Nơi cư trú: Ấp Trung, xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            CAM_DOAN,
            "quan theo quy định pháp luật.",
            "Làm tại: xã Tân Hội, ngày 20 tháng 06 năm 2024",
            [(LEFT + 700, "Người yêu cầu")],
            [(LEFT + 600, "(Ký, ghi rõ họ, chữ đệm, tên)")],
            [(LEFT + 650, "Lâm Thị Hồng")],
        ]
    )


def test_birth_declaration_sections_resolve_repeated_labels() -> None:
    r = read_document(birth_standard())
    assert r.doc_type == "to_khai_dang_ky_khai_sinh"
    v = r.values()
    assert v["requester_name"] == "LÂM THỊ HỒNG" and v["child_name"] == "TRỊNH VĂN KHÔI"
    assert v["child_birth_date"] == "05/06/2024" and v["child_sex"] == "Nam"
    assert v["child_birth_date_words"] == "Ngày năm tháng sáu năm hai nghìn không trăm hai mươi tư"
    assert (v["child_ethnicity"], v["mother_ethnicity"], v["father_ethnicity"]) == ("Kinh", "Khmer", "Kinh")
    assert (v["mother_birth_year"], v["father_birth_year"]) == ("1990", "1988")
    assert v["father_residence"] == "Ấp Trung, xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng"
    assert v["requester_residence"] == v["mother_residence"]
    assert v["requester_id_doc"] == "CCCD số 094190123456, cấp ngày 02/03/2021"
    assert v["signed_place_date"] == "xã Tân Hội, ngày 20 tháng 06 năm 2024"
    assert v["addressee"] == "Ủy ban nhân dân xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng"
    # the requester is the mother: her ID (1 = woman born 19xx, 90) agrees with sex and birth year
    assert r.fields["requester_id_doc"].confirmed and not r.fields["requester_id_doc"].needs_review
    assert r.fields["child_birth_date"].confirmed  # digits agree with the date in words
    # boxes come along for the desk to highlight
    assert r.fields["child_name"].boxes and all(len(b) == 4 for b in r.fields["child_name"].boxes)
    pickle.loads(pickle.dumps(r))  # travels between processes


def test_reordered_sections_and_older_wordings() -> None:
    """Parents before the child, "Họ và tên", "Nơi thường trú/tạm trú", no lead-in line."""
    words = words_from_lines(
        HEADER
        + [
            "TỜ KHAI ĐĂNG KÝ KHAI SINH",
            "Kính gửi: Ủy ban nhân dân xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang",
            "Họ và tên người yêu cầu: ĐỖ VĂN HẬU",
            "Quan hệ với người được khai sinh: Cha",
            "Nơi thường trú/tạm trú: Ấp 4, xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang",
            "Họ và tên người cha: ĐỖ VĂN HẬU",
            "Năm sinh: 1985 Dân tộc: Kinh Quốc tịch: Việt Nam",
            "Nơi thường trú/tạm trú: Ấp 4, xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang",
            "Họ và tên người mẹ: VÕ THỊ THU",
            "Năm sinh: 1987 Dân tộc: Hoa Quốc tịch: Việt Nam",
            "Nơi thường trú/tạm trú: Ấp 5, xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang",
            "Họ và tên: ĐỖ THỊ MAI",
            "Ngày, tháng, năm sinh: 01/02/2023 Giới tính: Nữ",
            "Dân tộc: Kinh Quốc tịch: Việt Nam",
            "Nơi sinh: Bệnh viện Đa khoa tỉnh Tiền Giang",
        ]
    )
    r = read_document(words)
    v = r.values()
    assert r.doc_type == "to_khai_dang_ky_khai_sinh"
    assert v["requester_name"] == "ĐỖ VĂN HẬU" and v["requester_relationship"] == "Cha"
    assert v["father_name"] == "ĐỖ VĂN HẬU" and v["father_birth_year"] == "1985"
    assert v["mother_name"] == "VÕ THỊ THU" and v["mother_birth_year"] == "1987" and v["mother_ethnicity"] == "Hoa"
    assert v["mother_residence"] == "Ấp 5, xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang"
    assert v["father_residence"] == "Ấp 4, xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang"
    assert v["requester_residence"] == "Ấp 4, xã An Bình, huyện Cai Lậy, tỉnh Tiền Giang"
    assert v["child_name"] == "ĐỖ THỊ MAI" and v["child_birth_date"] == "01/02/2023" and v["child_sex"] == "Nữ"
    assert v["child_ethnicity"] == "Kinh" and v["child_birth_place"] == "Bệnh viện Đa khoa tỉnh Tiền Giang"


def test_wrapped_value_joins_its_continuation_line_but_not_the_next_sentence() -> None:
    long_place = "Bệnh viện Đa khoa khu vực số hai của tỉnh Sóc Trăng, đường Lê Lợi, phường"
    words = words_from_lines(
        HEADER
        + [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Kính gửi: Ủy ban nhân dân xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            "Họ, chữ đệm, tên người yêu cầu: LÊ VĂN TÁM",
            "Quan hệ với người đã chết: Con",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên: LÊ VĂN CHÍN",
            "Ngày, tháng, năm sinh: 03/04/1940 Giới tính: Nam",
            f"Nơi chết: {long_place}",
            "3, thành phố Sóc Trăng",
            "Nguyên nhân chết: Già yếu",
            "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam",
            "đoan của mình.",
            "Làm tại: xã Tân Hội, ngày 10 tháng 01 năm 2024",
        ]
    )
    v = read_document(words).values()
    assert v["death_place"] == long_place + " 3, thành phố Sóc Trăng"
    assert v["death_cause"] == "Già yếu"
    assert v["deceased_name"] == "LÊ VĂN CHÍN" and v["deceased_sex"] == "Nam"
    assert v["signed_place_date"] == "xã Tân Hội, ngày 10 tháng 01 năm 2024"


def _marriage(columns: list[tuple[str, str]]) -> list:
    """columns: (header, values…) for the two people in the printed order."""
    x0, x1, x2 = LEFT, LEFT + 420, LEFT + 900
    rows = [
        ("Họ, chữ đệm, tên", 0),
        ("Ngày, tháng, năm sinh", 1),
        ("Dân tộc", 2),
        ("Quốc tịch", 3),
        ("Nơi cư trú", 4),
        ("Giấy tờ tùy thân", 6),
        ("Kết hôn lần thứ mấy", 8),
    ]
    lines: list = HEADER + [
        "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        "Kính gửi: Ủy ban nhân dân xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương",
        [(x0 + 60, "Thông tin"), (x1 + 120, columns[0][0]), (x2 + 120, columns[1][0])],
    ]
    a, b = columns[0][1], columns[1][1]
    for label, k in rows:
        lines.append([(x0, label), (x1, a[k]), (x2, b[k])])
        if k in (4, 6):
            lines.append([(x1, a[k + 1]), (x2, b[k + 1])])  # the cell wraps onto a second line
    lines += [
        "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự",
        "Làm tại: xã Phú Lộc, ngày 01 tháng 02 năm 2020",
        [(x0 + 100, "Bên nữ"), (x2, "Bên nam")],
    ]
    return words_from_lines(lines)


BRIDE = [
    "NGUYỄN THỊ SEN",
    "24/03/2002",
    "Kinh",
    "Việt Nam",
    "Thôn Bắc, xã Phú Lộc,",
    "huyện Ninh Giang, tỉnh Hải Dương",
    "CCCD số 030302114779,",
    "cấp ngày 31/10/2020",
    "Lần đầu",
]
GROOM = [
    "HOÀNG ANH QUÝ",
    "02/10/1988",
    "Tày",
    "Việt Nam",
    "Xóm 7, xã Thuận An,",
    "huyện Gia Lộc, tỉnh Hải Dương",
    "CCCD số 030088437443,",
    "cấp ngày 09/04/2017",
    "Lần thứ hai",
]


def _check_marriage(words: list) -> None:
    r = read_document(words)
    check_marriage_values(r)
    # bride's ID: 3 = woman born 20xx, 02 — agrees with her column's sex and birth date
    assert r.fields["bride_id_doc"].confirmed and r.fields["groom_id_doc"].confirmed


def test_marriage_table_bound_by_header() -> None:
    _check_marriage(_marriage([("Bên nữ", BRIDE), ("Bên nam", GROOM)]))


def test_marriage_table_with_swapped_columns() -> None:
    _check_marriage(_marriage([("Bên nam", GROOM), ("Bên nữ", BRIDE)]))


def test_receipt_with_tt01_2018_wording_and_signature_name() -> None:
    words = words_from_lines(
        [
            [(LEFT, "UBND XÃ TÂN HỘI"), (LEFT + 700, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
            [(LEFT, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"), (LEFT + 700, "Độc lập - Tự do - Hạnh phúc")],
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.43.57.H14-250717-0131",
            "Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân xã Tân Hội",
            "Tiếp nhận hồ sơ của: Vũ Xuân Chiến",
            "Địa chỉ: Ấp Mỹ Thới, xã Tân Hội, huyện Trần Đề, tỉnh Sóc Trăng",
            "Số điện thoại: 0388668436",
            "Nội dung yêu cầu giải quyết: Đăng ký kết hôn",
            "1. Thành phần hồ sơ nộp gồm:",
            "2. Số lượng hồ sơ: 01 (bộ)",
            "3. Thời gian giải quyết hồ sơ theo quy định là: 03 ngày làm việc",
            "4. Thời gian nhận hồ sơ: 09 giờ 20 phút, ngày 17/07/2025",
            "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 22/07/2025",
            "Vào Sổ theo dõi hồ sơ, Quyển số: 01/2025",
            [(LEFT, "NGƯỜI NỘP HỒ SƠ"), (LEFT + 800, "NGƯỜI TIẾP NHẬN HỒ SƠ")],
            [(LEFT, "(Ký và ghi rõ họ tên)"), (LEFT + 800, "(Ký và ghi rõ họ tên)")],
            None,
            [(LEFT, "Vũ Xuân Chiến"), (LEFT + 820, "Phan Văn Khải")],
        ]
    )
    r = read_document(words)
    v = r.values()
    assert r.doc_type == "giay_tiep_nhan_ho_so"
    assert v["dossier_code"] == "000.43.57.H14-250717-0131" and v["applicant"] == "Vũ Xuân Chiến"
    assert v["dossier_count"] == "01 (bộ)" and v["processing_time"] == "03 ngày làm việc"
    assert v["received_at"] == "09 giờ 20 phút, ngày 17/07/2025"
    assert v["due_at"] == "09 giờ 00 phút, ngày 22/07/2025"
    assert v["receiver"] == "Phan Văn Khải"
    assert r.fields["dossier_code"].confirmed  # its date is the receipt date


def test_damaged_ocr_is_repaired_kept_raw_and_flagged() -> None:
    top = [
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
        "Họ, chữ đệm, tên: TRẤN VĂN AN",
        "Ngày, tháng, năm sinh: 17/92/2022",
    ]
    words_line = "ghi bằng chữ: Ngày mười bảy tháng hai năm hai nghìn không trăm hai mươi hai"
    sex_line = "Gnơi tình: Nam Dân tộc: Kinh Quốc tịch: Viêt Nam"
    r = read_document(words_from_lines(top + [words_line, sex_line]))
    f = r.fields["child_birth_date"]
    assert f.value == "17/02/2022" and f.raw == "17/92/2022" and f.corrected_from == "17/92/2022"
    assert f.corrections and f.confirmed and not f.needs_review  # the date in words confirms the repair
    alone = read_document(words_from_lines(top + [sex_line])).fields["child_birth_date"]
    assert alone.value == "17/02/2022" and alone.needs_review  # nothing to confirm it: a person looks
    name = r.fields["child_name"]
    assert name.value == "TRẦN VĂN AN" and name.raw == "TRẤN VĂN AN" and name.corrections
    assert r.fields["child_sex"].value == "Nam"  # "Gnơi tình:" still found as "Giới tính:"
    assert r.fields["child_nationality"].value == "Việt Nam"


def test_wrong_sex_digit_in_an_id_is_flagged() -> None:
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên: NGUYỄN VĂN BA",
            "Ngày, tháng, năm sinh: 10/10/1950 Giới tính: Nam",
            "Giấy tờ tùy thân: CCCD số 034150029251, cấp ngày 05/05/2016",  # 1 = a woman
            "Nguyên nhân chết: Bệnh",
        ]
    )
    f = read_document(words).fields["deceased_id_doc"]
    assert f.needs_review and any("giới tính" in x for x in f.review_reasons)


def test_eleven_digit_id_is_flagged() -> None:
    words = words_from_lines(
        [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.20.68.H40-211020-0051",
            "Tiếp nhận hồ sơ của ông/bà: Phan Ngọc Bảo Trang",
            "Số định danh cá nhân: 08719647148",
            "Ngày tiếp nhận: 15 giờ 30 phút, ngày 20/10/2021",
        ]
    )
    f = read_document(words).fields["applicant_personal_id"]
    assert f.needs_review and any("12 chữ số" in x for x in f.review_reasons)


def test_register_ledger_entries_bound_by_column_markers() -> None:
    xs = [LEFT, LEFT + 120, LEFT + 360, LEFT + 760, LEFT + 980, LEFT + 1100, LEFT + 1500, LEFT + 1900]
    head = ["Số", "Ngày đăng ký", "Họ, chữ đệm, tên", "Ngày sinh", "Giới", "Nơi sinh", "Họ tên mẹ", "Họ tên cha"]
    markers = ["q)", "(2)", "(3)", "(4)", "(5)", "(6)", "Œ)", "(8)"]  # OCR garbles a few markers
    rows = [
        [
            "180",
            "04/05/1999",
            "Nguyễn Văn Trường",
            "22/03/1999",
            "Nam",
            "Bệnh viện huyện Vũ",
            "Lương Thị Trâm",
            "Nguyễn Văn Trung",
        ],
        ["181", "07/05/1999", "Lê Thị Gấm", "13/04/1998", "Nữ", "Xã Yên Lạc", "Đặng Thị Đào", ""],
    ]
    lines: list = [
        "SỔ ĐĂNG KÝ KHAI SINH",
        "UBND xã Long Hiệp - Năm 1999 Quyển số: 01",
        list(zip(xs, head)),
        [(x + 20, m) for x, m in zip(xs, markers)],
    ]
    for row in rows:
        lines.append([(x, t) for x, t in zip(xs, row) if t])
        lines.append([(xs[5], "Thư")])  # the birth place wraps
    r = read_document(words_from_lines(lines))
    assert r.doc_type == "so_dang_ky_khai_sinh_trang"
    assert [e["child_name"] for e in r.register_entries] == ["Nguyễn Văn Trường", "Lê Thị Gấm"]
    assert r.register_entries[0]["so"] == "180" and r.register_entries[1]["father_name"] == ""
    assert r.register_entries[0]["child_birth_place"] == "Bệnh viện huyện Vũ Thư"


def test_prose_and_blank_pages() -> None:
    prose = words_from_lines(
        [
            "CHUYÊN ĐỀ: ĐĂNG KÝ KHAI SINH",
            "A. ĐĂNG KÝ KHAI SINH CHO TRẺ EM",
            "Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định và giấy chứng sinh cho cơ",
            "quan đăng ký hộ tịch. Trường hợp không có giấy chứng sinh thì nộp văn bản của người",
        ]
    )
    r = read_document(prose)
    assert r.doc_type == "van_ban" and r.fields == {}
    assert read_document([], blank=True).doc_type == "trang_trang"
    assert read_document(words_from_lines([". ,"])).doc_type == "trang_trang"


def test_damaged_title_still_classifies() -> None:
    words = words_from_lines(
        ["GIÁY KHAI SINH (BÁN SAO)", "Họ, chữ đệm, tên: NGUYỄN VĂN AN", "Nơi đăng ký khai sinh: UBND xã An Bình"]
    )
    assert read_document(words).doc_type == "giay_khai_sinh"


def test_deceased_section_first_and_a_shortened_label_stays_in_its_section() -> None:
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Kính gửi: Ủy ban nhân dân xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ và tên: TRƯƠNG VĂN ĐỨC",
            "Ngày, tháng, năm sinh: 12/05/1938 Giới tính: Nam",
            "Nơi thường trú/tạm trú: Thôn 3, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên",
            "Giấy tờ tùy thân: CCCD số 054038003321, cấp ngày 20/06/2016",
            "Đã chết vào lúc: 14 giờ 15 phút, ngày 02/02/2024",
            "Họ và tên người yêu cầu: TRƯƠNG THỊ LAN",
            "Nơi thường trú/tạm trú: Thôn 4, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên",
            "Giấy tờ tùy thân: CCCD số 054185003321, cấp ngày 20/06/2022",
            "Quan hệ với người đã chết: Con",
        ]
    )
    v = read_document(words).values()
    assert v["deceased_name"] == "TRƯƠNG VĂN ĐỨC"
    assert v["deceased_last_residence"] == "Thôn 3, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên"
    assert v["deceased_id_doc"] == "CCCD số 054038003321, cấp ngày 20/06/2016"
    assert v["requester_name"] == "TRƯƠNG THỊ LAN"
    assert v["requester_residence"] == "Thôn 4, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên"
    assert v["requester_id_doc"] == "CCCD số 054185003321, cấp ngày 20/06/2022"
    assert v["death_datetime"] == "14 giờ 15 phút, ngày 02/02/2024"


def test_a_second_read_of_a_doubtful_field_is_taken_only_when_it_passes_the_checks() -> None:
    from indexer.fields.reader import apply_reread, reread_candidates

    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên: NGUYỄN VĂN BA",
            "Ngày, tháng, năm sinh: 75/06/17950 Giới tính: Nam",
        ]
    )
    r = read_document(words)
    f = r.fields["deceased_birth_date"]
    assert f.needs_review and "deceased_birth_date" in reread_candidates(r)
    assert not apply_reread(r, "deceased_birth_date", "75/06/1795O", 80.0)  # still impossible
    assert apply_reread(r, "deceased_birth_date", "15/06/1950", 90.0)
    assert f.value == "15/06/1950" and f.raw.startswith("75/06/17950") and f.needs_review
    assert any("đọc lại" in c for c in f.corrections)


def test_a_second_read_confirms_a_repair_or_leaves_the_disagreement_to_a_person() -> None:
    from indexer.fields.reader import apply_reread

    lines = [
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
        "Họ, chữ đệm, tên: NGUYỄN VĂN BA",
        "Ngày, tháng, năm sinh: 25/08/7980 Giới tính: Nam",
    ]
    r = read_document(words_from_lines(lines))
    f = r.fields["deceased_birth_date"]
    assert f.value == "25/08/1980" and f.needs_review  # repaired, not yet confirmed
    assert not apply_reread(r, "deceased_birth_date", "25/06/1980", 90.0)  # another read disagrees
    assert f.value == "25/08/1980" and any("25/06/1980" in x for x in f.review_reasons)
    r = read_document(words_from_lines(lines))
    f = r.fields["deceased_birth_date"]
    assert not apply_reread(r, "deceased_birth_date", "25/08/1980", 90.0)  # agrees: the repair is confirmed
    assert f.value == "25/08/1980" and "đọc lại vùng ảnh khớp" in f.confirmed and not f.needs_review


def test_a_second_read_that_loses_a_word_of_the_first_is_not_taken() -> None:
    from indexer.fields.reader import apply_reread, reread_agrees

    words = words_from_lines(
        [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.31.22.H56-240312-0007",
            "Số lượng hồ sơ: 02 (bộ)",
        ]
    )
    r = read_document(words)
    f = r.fields["dossier_count"]
    assert f.value == "02 (bộ)"
    assert not apply_reread(r, "dossier_count", "02", 95.0)  # "(bộ)" read surely, lost: a narrower look
    assert f.value == "02 (bộ)"
    # a second read that agrees ends the look: the worker tries no further read after it
    assert reread_agrees(r, "dossier_count", "02 (bộ)") and not reread_agrees(r, "dossier_count", "02. (bộ)")
