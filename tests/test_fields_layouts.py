"""Binding labels to values on layouts and wordings the catalogue was not built on: what each
rule guarantees, on hand-built OCR words (no Tesseract). Each layout here is one a vendor or an
older form really prints; the people are invented."""

from __future__ import annotations

from indexer.fields import read_document
from ocr.types import Word
from tests.fieldpages import CHAR_W, HEADER, LEFT, LINE_H, check_marriage_values, words_at, words_from_lines

RIGHT = LEFT + 1900  # the right margin of words_from_lines pages wide enough to wrap


def test_vendor_receipt_wordings_in_another_order() -> None:
    """A one-stop receipt printed by other software (e-par's "GIẤY BIÊN NHẬN HỒ SƠ" wordings, a
    "SĐT:" short form), its labels in another order than TT 01/2018's."""
    words = words_from_lines(
        [
            [(LEFT, "UBND XÃ AN PHÚ"), (LEFT + 800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
            "GIẤY BIÊN NHẬN HỒ SƠ",
            "Mã hồ sơ: 000.31.22.H56-240312-0007",
            "Ngày giờ tiếp nhận: 08 giờ 15 phút, ngày 12/03/2024",
            "Ngày hẹn trả kết quả: 14 giờ 00 phút, ngày 15/03/2024",
            "Họ và tên người nộp hồ sơ: Đinh Thị Mơ",
            "Số CMND/CCCD: 036184001122",
            "Địa chỉ thường trú: Xóm 3, xã An Phú, huyện Mỹ Lộc, tỉnh Nam Định",
            "SĐT: 0912345678",
            "Về việc: Đăng ký khai sinh",
        ]
    )
    r = read_document(words)
    v = r.values()
    assert r.doc_type == "giay_tiep_nhan_ho_so"
    assert v["applicant"] == "Đinh Thị Mơ"
    assert v["applicant_personal_id"] == "036184001122"
    assert v["applicant_address"] == "Xóm 3, xã An Phú, huyện Mỹ Lộc, tỉnh Nam Định"
    assert v["applicant_phone"] == "0912345678"
    assert v["request_content"] == "Đăng ký khai sinh"
    assert v["received_at"] == "08 giờ 15 phút, ngày 12/03/2024"
    assert v["due_at"] == "14 giờ 00 phút, ngày 15/03/2024"


def test_a_label_printed_with_more_words_runs_to_its_colon() -> None:
    """``Số điện thoại liên lạc:`` is the phone label, not ``Số điện thoại`` + value ``liên lạc: …``;
    ``Mối quan hệ với người được khai sinh:`` (a word in front) is the relationship label."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI SINH",
            "Họ, chữ đệm, tên người yêu cầu: HÀ THỊ LAN",
            "Mối quan hệ với người được khai sinh: Mẹ",
            "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
            "Họ, chữ đệm, tên: HÀ MINH ĐỨC",
        ]
    )
    v = read_document(words).values()
    assert v["requester_relationship"] == "Mẹ" and v["child_name"] == "HÀ MINH ĐỨC"
    receipt = words_from_lines(
        [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Tiếp nhận hồ sơ của: Đinh Thị Mơ",
            "Số điện thoại liên lạc: 0912345678",
        ]
    )
    assert read_document(receipt).values()["applicant_phone"] == "0912345678"


def test_a_label_worded_a_little_otherwise_binds_by_similarity() -> None:
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI SINH",
            "Họ, chữ đệm, tên người yêu cầu: HÀ THỊ LAN",
            "Quan hệ với người khai sinh: Mẹ",
        ]
    )
    assert read_document(words).values()["requester_relationship"] == "Mẹ"


def test_a_value_never_crosses_into_an_unknown_label() -> None:
    """``Giới tính: Nữ Tôn giáo: Không Dân tộc: Kinh``: "Tôn giáo" is no field of the form, yet
    it ends the sex; the value never takes the next label's words."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên: LÊ THỊ NỤ",
            "Giới tính: Nữ Tôn giáo: Không Dân tộc: Kinh",
            "Nghề nghiệp: Làm ruộng Quốc tịch: Việt Nam",
        ]
    )
    v = read_document(words).values()
    assert v["deceased_sex"] == "Nữ" and v["deceased_ethnicity"] == "Kinh"
    assert v["deceased_nationality"] == "Việt Nam"


def test_labels_whose_colons_were_lost_still_end_the_value_before_them() -> None:
    """A faxed copy loses the colons: ``Giới tính Nữ Dân tộc Kinh`` is still three fields."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên: LÊ THỊ NỤ",
            "Giới tính Nữ Dân tộc Kinh Quốc tịch Việt Nam",
        ]
    )
    v = read_document(words).values()
    assert (v["deceased_sex"], v["deceased_ethnicity"], v["deceased_nationality"]) == ("Nữ", "Kinh", "Việt Nam")


def test_capitals_cell_rules_glued_labels_and_a_date_on_the_next_line() -> None:
    """A vendor's labels in capitals: ``MỐI QUAN HỆ VỚI NGƯỜI ĐÃ MẤT`` (more words, another word for
    "chết") parted from its value by a cell rule read as ``|``; ``NGÀY, THÁNG, NĂM SINH:`` followed
    on the same line by ``GIỚITÍNH:`` whose space OCR lost; an ID whose date went to the next line."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "HỌ, CHỮ ĐỆM, TÊN NGƯỜI YÊU CẦU: LÊ VĂN TÁM",
            "GIẤY TỜ TÙY THÂN: CCCD số 034150029251, cấp ngày",
            "05.05.2016",
            "MỐI QUAN HỆ VỚI NGƯỜI ĐÃ MẤT|Con",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "HỌ, CHỮ ĐỆM, TÊN: LÊ VĂN CHÍN",
            "NGÀY, THÁNG, NĂM SINH: 03/04/1940 GIỚITÍNH: Nam",
        ]
    )
    v = read_document(words).values()
    assert v["requester_relationship"] == "Con"
    assert v["requester_id_doc"] == "CCCD số 034150029251, cấp ngày 05.05.2016"
    assert v["deceased_birth_date"] == "03/04/1940" and v["deceased_sex"] == "Nam"


def test_an_empty_value_does_not_take_the_next_lines_label_and_value() -> None:
    """The place of death left blank, the next line a label worded otherwise ("Họ tên người
    chết:"): the deceased's name is read as the name, whole, never as the place of death."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Nơi chết:",
            "Họ tên người chết: NGÔ VĂN TÝ",
            "Nguyên nhân chết: Già yếu",
        ]
    )
    v = read_document(words).values()
    assert "NGÔ" not in v.get("death_place", "")
    assert v["deceased_name"] == "NGÔ VĂN TÝ" and v["death_cause"] == "Già yếu"


def test_wrapped_value_on_a_short_line_is_joined() -> None:
    """A residence wrapped after a comma well before the right margin (a narrower text block) is
    joined; a value that ends without a comma on a short line is not joined to a next line that
    starts at the margin."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Họ, chữ đệm, tên người yêu cầu: LÊ VĂN TÁM",
            "Nơi cư trú: Thôn Bắc, xã Phú Lộc,",
            "huyện Ninh Giang, tỉnh Hải Dương",
            "Quan hệ với người đã chết: Con",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Nơi chết: Tại nhà riêng",
            "theo giấy báo tử của Trạm Y tế xã",
        ]
    )
    v = read_document(words).values()
    assert v["requester_residence"] == "Thôn Bắc, xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương"
    assert v["death_place"] == "Tại nhà riêng"


def test_a_place_date_printed_without_its_label() -> None:
    """A vendor prints the place-date above the signature without "Làm tại:"; a place-date in the
    page's header (top half) is not taken for it."""
    words = words_from_lines(
        [
            [(LEFT + 900, "Tân Hội, ngày 02 tháng 01 năm 2024")],
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Họ, chữ đệm, tên người yêu cầu: LÊ VĂN TÁM",
            "Nơi cư trú: Ấp Mỹ Thới, xã Tân Hội, huyện Mỹ Tú, tỉnh Sóc Trăng",
            "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên: LÊ VĂN CHÍN",
            "Nguyên nhân chết: Già yếu",
            "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật",
            [(LEFT + 900, "Tân Hội, ngày 10 tháng 01 năm 2024")],
            [(LEFT + 1000, "Người yêu cầu")],
        ]
    )
    assert read_document(words).values()["signed_place_date"] == "Tân Hội, ngày 10 tháng 01 năm 2024"


def test_a_number_beside_the_place_date_is_not_swallowed() -> None:
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Họ, chữ đệm, tên người yêu cầu: LÊ VĂN TÁM",
            [(LEFT, "Làm tại: xã Tân Hội, ngày 10 tháng 01 năm 2024"), (LEFT + 1500, "2")],
        ]
    )
    assert read_document(words).values()["signed_place_date"] == "xã Tân Hội, ngày 10 tháng 01 năm 2024"


def test_sections_under_headings_groom_first_without_a_table() -> None:
    """The marriage declaration printed as two blocks under ``Bên nam:`` / ``Bên nữ:`` headings (no
    table), the groom first: each shared label goes to the block it is printed in."""
    words = words_from_lines(
        HEADER
        + [
            "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
            "Kính gửi: Ủy ban nhân dân xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương",
            "Bên nam:",
            "Họ, chữ đệm, tên: HOÀNG ANH QUÝ",
            "Ngày, tháng, năm sinh: 02/10/1988 Dân tộc: Tày Quốc tịch: Việt Nam",
            "Nơi cư trú: Xóm 7, xã Thuận An, huyện Gia Lộc, tỉnh Hải Dương",
            "Kết hôn lần thứ mấy: Lần thứ hai",
            "Bên nữ:",
            "Họ, chữ đệm, tên: NGUYỄN THỊ SEN",
            "Ngày, tháng, năm sinh: 24/03/2002 Dân tộc: Kinh Quốc tịch: Việt Nam",
            "Nơi cư trú: Thôn Bắc, xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương",
            "Kết hôn lần thứ mấy: Lần đầu",
            "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự",
        ]
    )
    v = read_document(words).values()
    assert v["groom_name"] == "HOÀNG ANH QUÝ" and v["bride_name"] == "NGUYỄN THỊ SEN"
    assert v["groom_birth_date"] == "02/10/1988" and v["bride_birth_date"] == "24/03/2002"
    assert v["groom_ethnicity"] == "Tày" and v["bride_ethnicity"] == "Kinh"
    assert v["groom_residence"] == "Xóm 7, xã Thuận An, huyện Gia Lộc, tỉnh Hải Dương"
    assert v["bride_residence"] == "Thôn Bắc, xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương"
    assert v["groom_marriage_count"] == "Lần thứ hai" and v["bride_marriage_count"] == "Lần đầu"


def test_side_by_side_blocks_bind_shared_labels_by_column() -> None:
    """``Bên nữ | Bên nam`` headings over two columns of ``label: value`` lines: the left column's
    labels go to the bride, the right column's to the groom, even though both say the same."""
    x2 = LEFT + 1000
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
            [(LEFT + 200, "Bên nữ"), (x2 + 200, "Bên nam")],
            [(LEFT, "Họ, chữ đệm, tên: NGUYỄN THỊ SEN"), (x2, "Họ, chữ đệm, tên: HOÀNG ANH QUÝ")],
            [(LEFT, "Ngày, tháng, năm sinh: 24/03/2002"), (x2, "Ngày, tháng, năm sinh: 02/10/1988")],
            [(LEFT, "Dân tộc: Kinh"), (x2, "Dân tộc: Tày")],
            "Làm tại: xã Phú Lộc, ngày 01 tháng 02 năm 2020",
        ]
    )
    v = read_document(words).values()
    assert v["bride_name"] == "NGUYỄN THỊ SEN" and v["groom_name"] == "HOÀNG ANH QUÝ"
    assert v["bride_birth_date"] == "24/03/2002" and v["groom_birth_date"] == "02/10/1988"
    assert v["bride_ethnicity"] == "Kinh" and v["groom_ethnicity"] == "Tày"
    assert v["signed_place_date"] == "xã Phú Lộc, ngày 01 tháng 02 năm 2020"


def test_wife_and_husband_columns_of_a_certificate() -> None:
    """A marriage certificate's two columns: ``… tên vợ:`` beside ``… tên chồng:`` opens the columns,
    and the shared labels under them are bound by the column they stand in; a full-width label of
    another section ends the columns."""
    x2 = LEFT + 1000
    words = words_from_lines(
        [
            "GIẤY CHỨNG NHẬN KẾT HÔN",
            [(LEFT, "Họ, chữ đệm, tên vợ: NGUYỄN THỊ SEN"), (x2, "Họ, chữ đệm, tên chồng: HOÀNG ANH QUÝ")],
            [(LEFT, "Ngày, tháng, năm sinh: 24/03/2002"), (x2, "Ngày, tháng, năm sinh: 02/10/1988")],
            [(LEFT, "Dân tộc: Kinh"), (x2, "Dân tộc: Tày")],
            [(LEFT, "Quốc tịch: Việt Nam"), (x2, "Quốc tịch: Việt Nam")],
            "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Phú Lộc",
            "Ngày, tháng, năm đăng ký: 01/02/2020",
        ]
    )
    v = read_document(words).values()
    assert v["wife_birth_date"] == "24/03/2002" and v["husband_birth_date"] == "02/10/1988"
    assert v["wife_ethnicity"] == "Kinh" and v["husband_ethnicity"] == "Tày"
    assert v["registration_date"] == "01/02/2020"


def test_deceased_block_under_a_heading_after_the_requester() -> None:
    """Headings a vendor prints (``Thông tin người chết``) scope the shared labels under them."""
    words = words_from_lines(
        [
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Thông tin người chết",
            "Họ và tên: PHAN VĂN LỰU",
            "Nơi cư trú cuối cùng: Thôn 1, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên",
            "Đã chết vào lúc 14 giờ 15 phút, ngày 02/02/2024",
            "Nơi chết: Tại nhà riêng",
            "Thông tin người yêu cầu",
            "Họ và tên người yêu cầu: PHAN THỊ HOA",
            "Nơi cư trú: Thôn 4, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên",
        ]
    )
    v = read_document(words).values()
    assert v["deceased_name"] == "PHAN VĂN LỰU" and v["requester_name"] == "PHAN THỊ HOA"
    assert v["death_datetime"] == "14 giờ 15 phút, ngày 02/02/2024"
    assert v["death_place"] == "Tại nhà riêng"
    assert v["requester_residence"] == "Thôn 4, xã Đông Hòa, huyện Tây Hòa, tỉnh Phú Yên"


# --- the marriage table, other geometries -------------------------------------------------


def _table(order: str, centred: bool) -> list:
    """A marriage table whose row label "Ngày, tháng, năm / sinh" wraps over two lines and whose
    residence cells hold three lines; ``centred``: cells vertically centred on their row label
    (as word processors print them), else top-aligned. ``order``: "nu-nam" or "nam-nu"."""
    x0, xa, xb = LEFT, LEFT + 420, LEFT + 1100
    pitch = LINE_H
    bride = {
        "name": ["NGUYỄN THỊ SEN"],
        "birth": ["24/03/2002"],
        "eth": ["Kinh"],
        "nat": ["Việt Nam"],
        "res": ["Thôn Bắc, xã Phú Lộc,", "huyện Ninh Giang,", "tỉnh Hải Dương"],
        "id": ["CCCD số 030302114779,", "cấp ngày 31/10/2020"],
        "count": ["Lần đầu"],
    }
    groom = {
        "name": ["HOÀNG ANH QUÝ"],
        "birth": ["02/10/1988"],
        "eth": ["Tày"],
        "nat": ["Việt Nam"],
        "res": ["Xóm 7, xã Thuận An,", "huyện Gia Lộc,", "tỉnh Hải Dương"],
        "id": ["CCCD số 030088437443,", "cấp ngày 09/04/2017"],
        "count": ["Lần thứ hai"],
    }
    rows = [
        ("name", ["Họ, chữ đệm, tên"]),
        ("birth", ["Ngày, tháng, năm", "sinh"]),
        ("eth", ["Dân tộc"]),
        ("nat", ["Quốc tịch"]),
        ("res", ["Nơi cư trú"]),
        ("id", ["Giấy tờ tùy thân"]),
        ("count", ["Kết hôn lần thứ", "mấy"]),
    ]
    left, right = (bride, groom) if order == "nu-nam" else (groom, bride)
    heads = ("Bên nữ", "Bên nam") if order == "nu-nam" else ("Bên nam", "Bên nữ")
    items: list[tuple[int, float, str]] = [
        (LEFT, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (LEFT + 300, 100 + pitch * 2, "TỜ KHAI ĐĂNG KÝ KẾT HÔN"),
        (x0 + 60, 100 + pitch * 4, "Thông tin"),
        (xa + 200, 100 + pitch * 4, heads[0]),
        (xb + 200, 100 + pitch * 4, heads[1]),
    ]
    y = 100 + pitch * 5.4
    for key, label in rows:
        n = max(len(label), len(left[key]), len(right[key]))
        top = y
        for col_x, lines in ((x0, label), (xa, left[key]), (xb, right[key])):
            start = top + (n - len(lines)) * pitch / 2 if centred else top
            for k, text in enumerate(lines):
                items.append((col_x, start + k * pitch, text))
        y += n * pitch + 0.4 * pitch  # the row's rule and padding
    items.append((LEFT, y + pitch, "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật"))
    items.append((LEFT, y + 2 * pitch, "Làm tại: xã Phú Lộc, ngày 01 tháng 02 năm 2020"))
    return words_at(items)


def _check_table(words: list) -> None:
    r = read_document(words)
    v = check_marriage_values(r)
    assert v["bride_nationality"] == "Việt Nam" and v["groom_nationality"] == "Việt Nam"
    # the row label as printed (both lines) and where it is, for the desk
    f = r.fields["bride_birth_date"]
    assert f.label == "Ngày, tháng, năm sinh" and f.label_box is not None


def test_table_wrapped_row_labels_top_aligned_cells() -> None:
    _check_table(_table("nu-nam", centred=False))


def test_table_vertically_centred_multiline_cells() -> None:
    _check_table(_table("nu-nam", centred=True))


def test_table_centred_cells_with_columns_swapped() -> None:
    _check_table(_table("nam-nu", centred=True))


def test_each_field_keeps_its_printed_label_and_box() -> None:
    words = words_from_lines(["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Điện thoại liên hệ: 0912345678"])
    f = read_document(words).fields["applicant_phone"]
    assert f.value == "0912345678" and f.label == "Điện thoại liên hệ:"
    x, y, w, h = f.label_box or (0, 0, 0, 0)
    assert (x, y, h) == (LEFT, 100 + LINE_H, 28) and w == len("Điện thoại liên hệ:") * CHAR_W


def test_an_empty_table_cell_points_where_to_read_again() -> None:
    """OCR lost the bride's birth date: the empty cell's region (her column, beside the row label)
    is its box, so the worker reads that region again and the second read is taken, marked."""
    from indexer.fields.reader import apply_reread, reread_candidates

    words = [w for w in _table("nu-nam", centred=False) if w.text != "24/03/2002"]
    r = read_document(words)
    f = r.fields["bride_birth_date"]
    assert f.value == "" and f.needs_review and len(f.boxes) == 1
    x, y, _w, h = f.boxes[0]
    groom = r.fields["groom_birth_date"].boxes[0]
    label = r.fields["bride_birth_date"].label_box or (0, 0, 0, 0)
    assert label[0] + label[2] < x < groom[0] and y <= label[1] + label[3] and y + h >= label[1]
    assert "bride_birth_date" in reread_candidates(r)
    assert apply_reread(r, "bride_birth_date", "24/03/2002", 90.0)
    assert f.value == "24/03/2002" and f.needs_review


def test_a_row_label_that_takes_a_word_of_its_cell_does_not_move_the_label_column() -> None:
    """OCR lost the ID kind (``CCCD``) of the bride's ID cell, so ``Giấy tờ tùy thân … số`` reads as
    one longer row label; the label column still ends where the other rows say, and the bride's
    cells are read whole (seen on a dev page once recognition changed)."""
    words = [w for w in _table("nu-nam", centred=False) if not (w.text == "CCCD" and w.left < LEFT + 1100)]
    v = read_document(words).values()
    assert v["bride_name"] == "NGUYỄN THỊ SEN"
    assert v["bride_birth_date"] == "24/03/2002"
    assert v["bride_residence"] == "Thôn Bắc, xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương"


def test_a_word_fused_with_the_underscore_under_it_stays_in_its_line() -> None:
    """On a photocopy a word can be read with the underscore leader under it (its box twice as
    tall, reaching down): Tesseract keeps it in its line, and so does the reader — the value is
    not cut there and the rest of the line is not lost."""
    words = words_from_lines(
        [
            *HEADER,
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "Kính gửi: Ủy ban nhân dân xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương",
            "Họ, chữ đệm, tên người yêu cầu: ĐINH VĂN HÙNG",
        ]
    )
    tall = next(i for i, w in enumerate(words) if w.text == "nhân")
    w = words[tall]
    words[tall] = Word(w.text, w.conf, w.left, w.top, w.width, w.height * 5 // 2, w.block, w.par, w.line)
    r = read_document(words)
    assert r.values()["addressee"] == "Ủy ban nhân dân xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương"


def test_a_label_that_does_not_name_a_number_is_not_bound_to_a_number_field() -> None:
    """``Giấy tờ tùy thân`` (a list item: the paper handed in) is not ``Số giấy tờ tùy thân`` (its
    number): worded a word short of a catalogue label, it binds only when it still says Số/Mã."""
    from indexer.fields.labels import fuzzy_label

    labels = [(("so", "giay", "to", "tuy", "than"), "applicant_personal_id")]
    assert fuzzy_label(("giay", "to", "tuy", "than"), labels) is None
    assert fuzzy_label(("so", "giay", "to", "tuy", "thn"), labels) == "applicant_personal_id"


def test_the_rest_of_a_long_label_is_not_taken_into_the_value() -> None:
    """A long wording matched only by its first words — its colon misread or read early — goes on
    after them: those words are the label's, not the value's."""
    words = words_from_lines(
        [
            *HEADER,
            "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
            "HỌ, CHỮ ĐỆM, TÊN NGƯỜI YÊU CẦU: ĐINH VĂN HÙNG",
            "HỌ, CHỮ ĐỆM, TÊN: ĐINH VĂN LỢI",
            "SỐ GIẤY BÁO TỬ/ GIẤY TỜ THAY THẾ GIẤY BÁO TỬ; 217/GBT, ngày 08/06/2024",
        ]
    )
    r = read_document(words)
    assert r.values()["death_notice"] == "217/GBT, ngày 08/06/2024"
    words = words_from_lines(
        [
            *HEADER,
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.31.22.H56-240312-0007",
            "THỜI GIAN GIẢI QUYẾT HỒ SƠ:THEO QUY ĐỊNH 15 ngày làm việc",
            "Ngày hẹn trả: 14 giờ 00 phút, ngày 15/03/2024",
        ]
    )
    r = read_document(words)
    assert r.values()["processing_time"] == "15 ngày làm việc"
    assert "QUY ĐỊNH" in r.fields["processing_time"].label  # the label keeps its printed words
