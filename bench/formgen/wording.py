"""Label wordings the form generator prints: the TT 04/2020/TT-BTP forms (as the dev set prints
them), older wordings (``Họ và tên``, ``Nơi thường trú/tạm trú``, the TT 01/2018/TT-VPCP receipt),
TT 04/2024/TT-BTP additions, and the phrasings of invented vendor software.

Each set is a dict ``key -> label``; a set only lists what it changes and falls back to ``TT2020``.
Sets are split between the tune and the hold-out families (see ``bench.formgen.families``):
a hold-out set's phrasings appear in no tune set.
"""

from __future__ import annotations

TT2020 = {
    "addressee": "Kính gửi:",
    "requester_name": "Họ, chữ đệm, tên người yêu cầu:",
    "requester_birth_date": "Ngày, tháng, năm sinh:",
    "residence": "Nơi cư trú:",
    "id_doc": "Giấy tờ tùy thân:",
    "rel_birth": "Quan hệ với người được khai sinh:",
    "rel_death": "Quan hệ với người đã chết:",
    "lead_birth": "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "lead_death": "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
    "name": "Họ, chữ đệm, tên:",
    "birth_date": "Ngày, tháng, năm sinh:",
    "words": "ghi bằng chữ:",
    "sex": "Giới tính:",
    "eth": "Dân tộc:",
    "nat": "Quốc tịch:",
    "birth_place": "Nơi sinh:",
    "hometown": "Quê quán:",
    "mother_name": "Họ, chữ đệm, tên người mẹ:",
    "father_name": "Họ, chữ đệm, tên người cha:",
    "birth_year": "Năm sinh:",
    "last_residence": "Nơi cư trú cuối cùng:",
    "death_datetime": "Đã chết vào lúc:",
    "death_place": "Nơi chết:",
    "death_cause": "Nguyên nhân chết:",
    "death_notice": "Số Giấy báo tử/ Giấy tờ thay thế Giấy báo tử:",
    "signed": "Làm tại:",
    # receipt (as the dev set prints it)
    "dossier_code": "Mã hồ sơ:",
    "applicant": "Tiếp nhận hồ sơ của ông/bà:",
    "applicant_personal_id": "Số định danh cá nhân:",
    "applicant_address": "Địa chỉ:",
    "applicant_phone": "Số điện thoại:",
    "request_content": "Nội dung yêu cầu giải quyết:",
    "dossier_count": "Số lượng hồ sơ:",
    "processing_time": "Thời gian giải quyết hồ sơ theo quy định là:",
    "received_at": "Ngày tiếp nhận:",
    "due_at": "Ngày hẹn trả:",
    "receiver": "Người tiếp nhận",
    # marriage table rows
    "t_info": "Thông tin",
    "t_bride": "Bên nữ",
    "t_groom": "Bên nam",
    "t_name": "Họ, chữ đệm, tên",
    "t_birth_date": "Ngày, tháng, năm sinh",
    "t_eth": "Dân tộc",
    "t_nat": "Quốc tịch",
    "t_res": "Nơi cư trú",
    "t_id": "Giấy tờ tùy thân",
    "t_count": "Kết hôn lần thứ mấy",
}

# Older forms (TT 15/2015-era and earlier, GIẤY CHỨNG TỬ era) and the TT 01/2018/TT-VPCP receipt.
OLD = {
    "requester_name": "Họ và tên người yêu cầu:",
    "name": "Họ và tên:",
    "residence": "Nơi thường trú/tạm trú:",
    "last_residence": "Nơi thường trú/tạm trú cuối cùng:",
    "mother_name": "Họ và tên người mẹ:",
    "father_name": "Họ và tên người cha:",
    "t_name": "Họ và tên",
    "t_res": "Nơi thường trú/tạm trú",
    "applicant": "Tiếp nhận hồ sơ của:",
    "received_at": "Thời gian nhận hồ sơ:",
    "due_at": "Thời gian trả kết quả giải quyết hồ sơ:",
    "processing_time": "Thời gian giải quyết hồ sơ theo quy định là:",
    "dossier_count": "Số lượng hồ sơ:",
}

# Hold-out variants of the older wording: never printed by a tune family.
OLD_B = {
    "requester_name": "Họ, chữ đệm và tên người yêu cầu:",
    "name": "Họ, chữ đệm và tên:",
    "residence": "Nơi thường trú:",
    "last_residence": "Nơi thường trú cuối cùng:",
    "mother_name": "Họ, chữ đệm và tên người mẹ:",
    "father_name": "Họ, chữ đệm và tên người cha:",
    "id_doc": "Giấy tờ tuỳ thân:",
    "birth_date": "Ngày tháng năm sinh:",
    "requester_birth_date": "Ngày tháng năm sinh:",
    "t_name": "Họ, chữ đệm và tên",
    "t_birth_date": "Ngày, tháng, năm, sinh",
    "t_res": "Nơi thường trú",
    "t_id": "Giấy tờ tuỳ thân",
    "applicant": "Tiếp nhận hồ sơ của:",
    "dossier_code": "Mã số hồ sơ:",
    "received_at": "Thời gian nhận hồ sơ:",
    "due_at": "Thời gian trả kết quả:",
}

# TT 04/2024/TT-BTP: requester birth date, parents' ID papers (label set is TT 2020's).
TT2024: dict[str, str] = {}

# Invented vendor software phrasings. A and B: tune. C and D: hold-out.
VENDOR_A = {
    "rel_birth": "Mối quan hệ với người được khai sinh:",
    "rel_death": "Mối quan hệ với người đã mất:",
    "id_doc": "Số giấy tờ tùy thân:",
    "applicant": "Người nộp hồ sơ:",
    "applicant_personal_id": "Số CCCD:",
    "applicant_phone": "Điện thoại:",
    "received_at": "Ngày nhận hồ sơ:",
    "due_at": "Ngày hẹn trả kết quả:",
    "dossier_code": "Số hồ sơ:",
    "request_content": "Thủ tục:",
    "receiver": "Cán bộ tiếp nhận",
}
VENDOR_B = {
    "rel_birth": "Quan hệ:",
    "rel_death": "Quan hệ:",
    "id_doc": "Giấy tờ tùy thân (CCCD/Hộ chiếu):",
    "applicant": "Họ tên người nộp:",
    "applicant_personal_id": "Số định danh:",
    "applicant_phone": "SĐT:",
    "applicant_address": "Địa chỉ liên hệ:",
    "received_at": "Thời gian tiếp nhận:",
    "due_at": "Hẹn trả kết quả vào lúc:",
    "dossier_code": "Mã biên nhận:",
    "request_content": "Tên thủ tục hành chính:",
    "dossier_count": "Số bộ hồ sơ:",
    "processing_time": "Thời hạn giải quyết:",
    "receiver": "Người nhận hồ sơ",
}
VENDOR_C = {
    "rel_birth": "Quan hệ với người cần khai sinh:",
    "rel_death": "Quan hệ với người chết:",
    "id_doc": "Giấy tờ nhân thân:",
    "applicant": "Tên tổ chức, cá nhân nộp hồ sơ:",
    "applicant_personal_id": "Số giấy tờ:",
    "applicant_phone": "Số ĐT liên hệ:",
    "received_at": "Nhận hồ sơ lúc:",
    "due_at": "Ngày trả kết quả:",
    "dossier_code": "Số biên nhận:",
    "request_content": "Lĩnh vực / thủ tục:",
    "receiver": "Công chức tiếp nhận",
}
VENDOR_D = {
    "rel_birth": "Là (quan hệ với trẻ):",
    "rel_death": "Là (quan hệ với người mất):",
    "id_doc": "CMND/CCCD/Hộ chiếu:",
    "applicant": "Người đề nghị:",
    "applicant_personal_id": "Mã định danh:",
    "applicant_phone": "Điện thoại liên hệ:",
    "received_at": "Ngày nhận:",
    "due_at": "Hẹn trả ngày:",
    "dossier_code": "Mã HS:",
    "request_content": "Nội dung:",
    "processing_time": "Thời gian giải quyết:",
    "receiver": "Người nhận",
}

SETS = {
    "tt2020": TT2020,
    "old": OLD,
    "old_b": OLD_B,
    "tt2024": TT2024,
    "vendor_a": VENDOR_A,
    "vendor_b": VENDOR_B,
    "vendor_c": VENDOR_C,
    "vendor_d": VENDOR_D,
}


def labels(*names: str) -> dict[str, str]:
    """TT 2020's labels overridden by each named set in turn."""
    out = dict(TT2020)
    for n in names:
        out.update(SETS[n])
    return out
