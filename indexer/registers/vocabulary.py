"""The register book types and the national digitisation vocabulary their entries are kept in.

Entries store their fields under the column names of the Bộ Tư pháp import template and the
provincial connectors (domain.md §7): common ``so, quyenSo, trangSo, ngayDangKy, loaiDangKy,
noiDangKy, nguoiKy, chucVuNguoiKy, nguoiThucHien, ghiChu``; khai sinh ``nks*`` with parents
``me*``/``cha*`` and requester ``nyc*``; khai tử ``nkt*`` and ``gbt*``; kết hôn ``chong*``/``vo*``;
xác nhận tình trạng hôn nhân ``nxn*``. The book types the template does not cover (nhận cha mẹ
con, thay đổi/cải chính, giám hộ, chứng thực) use keys of the same style chosen by sohoa
(marked ``own`` below) until the official names are confirmed (domain.md §9).

Everything here is data: a new book type or column is an edit of this module only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from indexer.vntext import fold

ENTRY_PER_PAGE = "entry_per_page"
LEDGER = "ledger"
LAYOUTS = (ENTRY_PER_PAGE, LEDGER)
LAYOUT_VI = {ENTRY_PER_PAGE: "mỗi trang một mục (từ 2016)", LEDGER: "sổ kẻ cột (trước 2016)"}

UNVERIFIED, VERIFIED = "unverified", "verified"
STATUS_VI = {UNVERIFIED: "chưa kiểm tra", VERIFIED: "đã kiểm tra"}
ORIGIN_VI = {"ocr": "nhận dạng ảnh", "legacy": "nhập từ phần mềm cũ", "desk": "tạo tại bộ phận một cửa"}

SCHEMES = ("v2025", "legacy_63")

NAME, DATE, YEAR, TEXT, ENUM, NUMBER = "name", "date", "year", "text", "enum", "number"


@dataclass(frozen=True)
class Key:
    """One column of the vocabulary."""

    key: str
    label: str  # Vietnamese, as a clerk reads it
    kind: str = TEXT  # name | date | year | text | enum | number
    aliases: tuple[str, ...] = ()  # other header wordings old software uses (legacy import)


COMMON = (
    Key("so", "Số", NUMBER, ("so dang ky", "so thu tu", "stt so", "so ks", "so chung thuc")),
    Key("quyenSo", "Quyển số", TEXT, ("quyen", "so quyen")),
    Key("trangSo", "Trang số", NUMBER, ("trang",)),
    Key(
        "ngayDangKy",
        "Ngày, tháng, năm đăng ký",
        DATE,
        ("ngay dang ky", "ngay dk", "ngay chung thuc", "ngay, thang, nam chung thuc"),
    ),
    Key("loaiDangKy", "Loại đăng ký", ENUM),
    Key("noiDangKy", "Nơi đăng ký", TEXT, ("co quan dang ky",)),
    Key("nguoiKy", "Người ký", NAME, ("nguoi ky giay",)),
    Key("chucVuNguoiKy", "Chức vụ người ký", TEXT),
    Key("nguoiThucHien", "Người thực hiện", NAME, ("can bo tu phap", "cong chuc tu phap")),
    Key("ghiChu", "Ghi chú", TEXT),
)


def _person(
    prefix: str,
    who: str,
    *,
    sex: bool = False,
    place: bool = False,
    birth_words: bool = False,
    residence: str | None = "NoiCuTru",
    id_doc: bool = True,
    personal_id: bool = False,
    name_aliases: tuple[str, ...] = (),
) -> tuple[Key, ...]:
    w = fold(who)
    birth_aliases = tuple(
        " ".join(a.split()) for a in (f"ngay sinh {w}", f"nam sinh {w}", f"sinh ngay {w}", f"ngay thang nam sinh {w}")
    )
    keys = [
        Key(f"{prefix}HoTen", f"Họ, chữ đệm, tên {who}".strip(), NAME, name_aliases),
        Key(f"{prefix}NgaySinh", f"Ngày, tháng, năm sinh {who}".strip(), DATE, birth_aliases),
    ]
    if birth_words:
        keys.append(Key(f"{prefix}NgaySinhBangChu", "Ngày sinh ghi bằng chữ", TEXT))
    if sex:
        keys.append(Key(f"{prefix}GioiTinh", f"Giới tính {who}".strip(), ENUM))
    keys += [
        Key(f"{prefix}DanToc", f"Dân tộc {who}".strip(), TEXT),
        Key(f"{prefix}QuocTich", f"Quốc tịch {who}".strip(), TEXT),
    ]
    if place:
        keys += [Key(f"{prefix}NoiSinh", "Nơi sinh", TEXT), Key(f"{prefix}QueQuan", "Quê quán", TEXT)]
    if personal_id:
        keys.append(Key(f"{prefix}SoDinhDanh", f"Số định danh cá nhân {who}".strip(), TEXT))
    if residence:
        keys.append(Key(f"{prefix}{residence}", f"Nơi cư trú {who}".strip(), TEXT))
    if id_doc:
        keys.append(Key(f"{prefix}GiayToTuyThan", f"Giấy tờ tùy thân {who}".strip(), TEXT))
    return tuple(keys)


@dataclass(frozen=True)
class Role:
    """A person an entry names, for the name index and for filing."""

    role: str  # the name index's role (child, mother, father, deceased, wife, husband …)
    name: str  # vocabulary key of the name
    birth: str | None = None
    mother: str | None = None
    father: str | None = None


@dataclass(frozen=True)
class BookType:
    id: str
    label: str  # "Sổ đăng ký khai sinh"
    short: str  # "khai sinh"
    code: str  # short code for file names and the book key (KS, KH …)
    keys: tuple[Key, ...]
    people: tuple[Role, ...]
    person_type: str  # register type of the name index (indexer.people.query.REGISTER_TYPES)
    fields: dict[str, str] = field(default_factory=dict)  # reader field id → vocabulary key
    page_type: str | None = None  # one-entry register page type (indexer/registers/register_pages.yaml)
    own: bool = False  # keys chosen by sohoa, not (yet) the national template's

    # Which document types go into this book is said next to each type, in the catalogue
    # (indexer/fields/doc_types.yaml: ``book``, ``opens_entry``), and read from there.
    @property
    def doc_types(self) -> tuple[str, ...]:
        """Document types filed into this book (declarations, certificates, extracts)."""
        return _catalogue_types(self.id)[0]

    @property
    def new_doc_types(self) -> tuple[str, ...]:
        """Of those, the declarations that open a new entry."""
        return _catalogue_types(self.id)[1]

    @property
    def ledger_type(self) -> str | None:
        """The columnar ledger page type of this book, if the catalogue has one."""
        return _catalogue_types(self.id)[2]

    @property
    def all_keys(self) -> tuple[Key, ...]:
        return COMMON + self.keys

    def key(self, k: str) -> Key | None:
        return _key_index(self.id).get(k)

    def label_of(self, k: str) -> str:
        """The Vietnamese label of key ``k``; an unknown key is shown as itself."""
        known = self.key(k)
        return known.label if known is not None else k

    @property
    def primary(self) -> Role:
        return self.people[0]

    @property
    def name_key(self) -> str:
        return self.people[0].name


_COMMON_FIELDS = {
    "reg_number": "so",
    "so": "so",
    "book_number": "quyenSo",
    "quyen_so": "quyenSo",
    "page_number": "trangSo",
    "registration_date": "ngayDangKy",
    "registration_place": "noiDangKy",
    "registered_at": "noiDangKy",
    "remarks": "ghiChu",
    "signer": "nguoiKy",
    "signer_title": "chucVuNguoiKy",
    "officer": "nguoiThucHien",
    "registration_kind": "loaiDangKy",
}


def _person_fields(field_prefix: str, key_prefix: str, residence: str = "NoiCuTru") -> dict[str, str]:
    return {
        f"{field_prefix}_name": f"{key_prefix}HoTen",
        f"{field_prefix}_birth_date": f"{key_prefix}NgaySinh",
        f"{field_prefix}_birth_year": f"{key_prefix}NgaySinh",
        f"{field_prefix}_sex": f"{key_prefix}GioiTinh",
        f"{field_prefix}_ethnicity": f"{key_prefix}DanToc",
        f"{field_prefix}_nationality": f"{key_prefix}QuocTich",
        f"{field_prefix}_residence": f"{key_prefix}{residence}",
        f"{field_prefix}_id_doc": f"{key_prefix}GiayToTuyThan",
        f"{field_prefix}_personal_id": f"{key_prefix}SoDinhDanh",
        f"{field_prefix}_birth_place": f"{key_prefix}NoiSinh",
        f"{field_prefix}_hometown": f"{key_prefix}QueQuan",
    }


_REQUESTER = (
    Key("nycHoTen", "Họ, chữ đệm, tên người yêu cầu", NAME, ("nguoi yeu cau", "nguoi di khai", "nguoi di dang ky")),
    Key("nycQuanHe", "Quan hệ với người được đăng ký", TEXT),
    Key("nycGiayToTuyThan", "Giấy tờ tùy thân người yêu cầu", TEXT),
)
_REQ_FIELDS = {
    "requester_name": "nycHoTen",
    "declarant_name": "nycHoTen",
    "requester_relationship": "nycQuanHe",
    "requester_id_doc": "nycGiayToTuyThan",
    "declarant_id_doc": "nycGiayToTuyThan",
    "applicant": "nycHoTen",
}

KHAI_SINH = BookType(
    "khai_sinh",
    "Sổ đăng ký khai sinh",
    "khai sinh",
    "KS",
    _person(
        "nks",
        "",
        sex=True,
        place=True,
        birth_words=True,
        id_doc=False,
        personal_id=True,
        residence=None,
        name_aliases=(
            "ho ten",
            "ho va ten",
            "ho ten tre",
            "ho ten nguoi duoc khai sinh",
            "nguoi duoc khai sinh",
            "ho, chu dem, ten nguoi duoc khai sinh",
            "ho va ten nguoi duoc khai sinh",
        ),
    )
    + _person("me", "mẹ", name_aliases=("ho ten me", "me", "ho va ten me", "ho, chu dem, ten nguoi me", "ten me"))
    + _person(
        "cha", "cha", name_aliases=("ho ten cha", "cha", "ho va ten cha", "ho, chu dem, ten nguoi cha", "ten cha")
    )
    + _REQUESTER
    + (Key("nksLoaiKhaiSinh", "Loại khai sinh", ENUM),),
    (
        Role("child", "nksHoTen", "nksNgaySinh", "meHoTen", "chaHoTen"),
        Role("mother", "meHoTen", "meNgaySinh"),
        Role("father", "chaHoTen", "chaNgaySinh"),
        Role("declarant", "nycHoTen"),
    ),
    "khai_sinh",
    fields={
        **_COMMON_FIELDS,
        **_person_fields("child", "nks"),
        **_person_fields("mother", "me"),
        **_person_fields("father", "cha"),
        **_REQ_FIELDS,
        "child_birth_date_words": "nksNgaySinhBangChu",
    },
    page_type="so_dang_ky_khai_sinh_muc",
)

KHAI_TU = BookType(
    "khai_tu",
    "Sổ đăng ký khai tử",
    "khai tử",
    "KT",
    _person(
        "nkt",
        "",
        sex=True,
        personal_id=True,
        name_aliases=(
            "ho ten",
            "ho va ten",
            "ho ten nguoi chet",
            "nguoi chet",
            "ho, chu dem, ten nguoi chet",
            "ho va ten nguoi chet",
            "ho ten nguoi da chet",
        ),
    )
    + (
        Key("nktNgayChet", "Ngày chết", DATE, ("ngay chet", "chet ngay")),
        Key("nktGioPhutChet", "Giờ, phút chết", TEXT),
        Key("nktNoiChet", "Nơi chết", TEXT),
        Key("nktNguyenNhanChet", "Nguyên nhân chết", TEXT),
        Key("gbtSo", "Số giấy báo tử", TEXT),
        Key("gbtNgay", "Ngày cấp giấy báo tử", DATE),
        Key("gbtCoQuanCap", "Cơ quan cấp giấy báo tử", TEXT),
    )
    + _REQUESTER,
    (Role("deceased", "nktHoTen", "nktNgaySinh"), Role("declarant", "nycHoTen")),
    "khai_tu",
    fields={
        **_COMMON_FIELDS,
        **_person_fields("deceased", "nkt"),
        **_REQ_FIELDS,
        "deceased_last_residence": "nktNoiCuTru",
        "death_datetime": "nktNgayChet",
        "death_date": "nktNgayChet",
        "death_place": "nktNoiChet",
        "death_cause": "nktNguyenNhanChet",
        "death_notice": "gbtSo",
    },
    page_type="so_dang_ky_khai_tu_muc",
)

KET_HON = BookType(
    "ket_hon",
    "Sổ đăng ký kết hôn",
    "kết hôn",
    "KH",
    _person("chong", "chồng", name_aliases=("ho ten chong", "chong", "ho va ten chong", "ben nam"))
    + (Key("chongKetHonLanThu", "Kết hôn lần thứ (chồng)", TEXT),)
    + _person("vo", "vợ", name_aliases=("ho ten vo", "vo", "ho va ten vo", "ben nu"))
    + (Key("voKetHonLanThu", "Kết hôn lần thứ (vợ)", TEXT),),
    (Role("wife", "voHoTen", "voNgaySinh"), Role("husband", "chongHoTen", "chongNgaySinh")),
    "ket_hon",
    fields={
        **_COMMON_FIELDS,
        **_person_fields("wife", "vo"),
        **_person_fields("husband", "chong"),
        **_person_fields("bride", "vo"),
        **_person_fields("groom", "chong"),
        "bride_marriage_count": "voKetHonLanThu",
        "groom_marriage_count": "chongKetHonLanThu",
    },
    page_type="so_dang_ky_ket_hon_muc",
)

XAC_NHAN_TTHN = BookType(
    "xac_nhan_tthn",
    "Sổ cấp Giấy xác nhận tình trạng hôn nhân",
    "xác nhận tình trạng hôn nhân",
    "XNHN",
    _person("nxn", "", sex=True, name_aliases=("ho ten", "ho va ten", "ho ten nguoi duoc cap", "nguoi duoc xac nhan"))
    + (
        Key("nxnNoiSinh", "Nơi sinh", TEXT),
        Key("nxnThoiGianCuTru", "Thời gian cư trú", TEXT),
        Key("nxnTinhTrangHonNhan", "Tình trạng hôn nhân", TEXT),
        Key("nxnLoaiMucDichSuDung", "Mục đích sử dụng", TEXT),
    )
    + _REQUESTER,
    (Role("subject", "nxnHoTen", "nxnNgaySinh"), Role("requester", "nycHoTen")),
    "hon_nhan",
    fields={
        **_COMMON_FIELDS,
        **_person_fields("subject", "nxn"),
        **_REQ_FIELDS,
        "residence_period": "nxnThoiGianCuTru",
        "marital_status": "nxnTinhTrangHonNhan",
        "purpose": "nxnLoaiMucDichSuDung",
        "issuer_number": "so",
    },
)

NHAN_CHA_ME_CON = BookType(
    "nhan_cha_me_con",
    "Sổ đăng ký nhận cha, mẹ, con",
    "nhận cha, mẹ, con",
    "CMC",
    _person("nn", "người nhận", name_aliases=("nguoi nhan",))
    + _person("ndn", "người được nhận", name_aliases=("nguoi duoc nhan",))
    + (Key("loaiNhan", "Nhận cha / mẹ / con", TEXT),)
    + _REQUESTER,
    (Role("subject", "ndnHoTen", "ndnNgaySinh"), Role("requester", "nnHoTen", "nnNgaySinh")),
    "cha_me_con",
    fields=dict(_COMMON_FIELDS),
    own=True,
)

THAY_DOI_CAI_CHINH = BookType(
    "thay_doi_cai_chinh",
    "Sổ đăng ký thay đổi, cải chính hộ tịch",
    "thay đổi, cải chính",
    "TĐCC",
    _person("ntd", "người được thay đổi", id_doc=False, name_aliases=("ho ten", "nguoi duoc thay doi"))
    + (
        Key("loaiThayDoi", "Thay đổi / cải chính / bổ sung / xác định lại dân tộc", TEXT),
        Key("noiDungThayDoi", "Nội dung (từ … thành …)", TEXT),
        Key("canCu", "Căn cứ", TEXT),
    )
    + _REQUESTER,
    (Role("subject", "ntdHoTen", "ntdNgaySinh"), Role("requester", "nycHoTen")),
    "thay_doi",
    fields=dict(_COMMON_FIELDS),
    own=True,
)

GIAM_HO = BookType(
    "giam_ho",
    "Sổ đăng ký giám hộ",
    "giám hộ",
    "GH",
    _person("ngh", "người giám hộ", name_aliases=("nguoi giam ho",))
    + _person("ndgh", "người được giám hộ", name_aliases=("nguoi duoc giam ho",)),
    (Role("subject", "ndghHoTen", "ndghNgaySinh"), Role("requester", "nghHoTen", "nghNgaySinh")),
    "giam_ho",
    fields=dict(_COMMON_FIELDS),
    own=True,
)


def _chung_thuc(id_: str, label: str, code: str, what: tuple[Key, ...]) -> BookType:
    return BookType(
        id_,
        label,
        label.removeprefix("Sổ chứng thực ").lower(),
        code,
        (
            Key(
                "nycHoTen",
                "Họ tên người yêu cầu chứng thực",
                NAME,
                ("nguoi yeu cau", "ho ten nguoi yeu cau chung thuc", "ho ten cua nguoi yeu cau chung thuc"),
            ),
            Key("nycGiayToTuyThan", "Giấy tờ tùy thân người yêu cầu", TEXT, ("so giay cmnd/ho chieu",)),
        )
        + what
        + (
            Key("nguoiKyChungThuc", "Họ tên, chức danh người ký chứng thực", TEXT, ("nguoi ky chung thuc",)),
            Key(
                "soLuong",
                "Số bản / số lượng đã chứng thực",
                NUMBER,
                ("so ban sao", "so luong", "so ban sao da duoc chung thuc"),
            ),
            Key("lePhi", "Lệ phí / phí chứng thực", TEXT, ("le phi", "phi")),
        ),
        (Role("requester", "nycHoTen"),),
        "chung_thuc",
        fields={**_COMMON_FIELDS, "cert_number": "so", "cert_book": "quyenSo", "certifier": "nguoiThucHien"},
        own=True,
    )


CHUNG_THUC_BAN_SAO = _chung_thuc(
    "chung_thuc_ban_sao",
    "Sổ chứng thực bản sao từ bản chính",
    "SCT-BS",
    (Key("tenBanChinh", "Tên của bản chính giấy tờ, văn bản", TEXT, ("ten ban chinh",)),),
)
CHUNG_THUC_CHU_KY = _chung_thuc(
    "chung_thuc_chu_ky",
    "Sổ chứng thực chữ ký",
    "SCT-CK",
    (Key("tenGiayTo", "Tên giấy tờ, văn bản chứng thực chữ ký/điểm chỉ", TEXT, ("ten giay to",)),),
)
CHUNG_THUC_HOP_DONG = _chung_thuc(
    "chung_thuc_hop_dong",
    "Sổ chứng thực hợp đồng, giao dịch",
    "SCT-HĐ",
    (
        Key("tenHopDong", "Tên hợp đồng, giao dịch", TEXT, ("ten hop dong",)),
        Key("benThamGia", "Các bên tham gia", TEXT, ("cac ben",)),
    ),
)

BOOK_TYPES: dict[str, BookType] = {
    b.id: b
    for b in (
        KHAI_SINH,
        KET_HON,
        KHAI_TU,
        NHAN_CHA_ME_CON,
        THAY_DOI_CAI_CHINH,
        XAC_NHAN_TTHN,
        GIAM_HO,
        CHUNG_THUC_BAN_SAO,
        CHUNG_THUC_CHU_KY,
        CHUNG_THUC_HOP_DONG,
    )
}

# What clerks type for a book type (``--type ks``, "khai sinh", "KS" …).
_TYPE_WORDS = {
    "khai_sinh": ("ks", "khai sinh", "khaisinh", "birth"),
    "ket_hon": ("kh", "ket hon", "kethon", "marriage"),
    "khai_tu": ("kt", "khai tu", "khaitu", "death"),
    "nhan_cha_me_con": ("cmc", "nhan cha me con", "cha me con"),
    "thay_doi_cai_chinh": ("tdcc", "thay doi cai chinh", "thay doi", "cai chinh"),
    "xac_nhan_tthn": ("xnhn", "xac nhan tinh trang hon nhan", "tinh trang hon nhan", "tthn", "hon nhan"),
    "giam_ho": ("gh", "giam ho"),
    "chung_thuc_ban_sao": ("sct-bs", "ban sao", "chung thuc ban sao"),
    "chung_thuc_chu_ky": ("sct-ck", "chu ky", "chung thuc chu ky"),
    "chung_thuc_hop_dong": ("sct-hd", "hop dong", "chung thuc hop dong"),
}


def book_type(text: str) -> BookType | None:
    """The book type a clerk means (``khai_sinh``, ``khai-sinh``, ``KS``, ``Khai sinh``), or None."""
    t = " ".join(fold(text or "").replace("_", " ").replace("-", " ").split())
    for bt in BOOK_TYPES.values():
        if (
            t == bt.id.replace("_", " ")
            or t in _TYPE_WORDS.get(bt.id, ())
            or t == fold(bt.code).lower()
            or t == fold(bt.label)
            or t == fold(bt.short)
        ):
            return bt
    return None


@cache
def _catalogue_types(book_id: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """(document types filed in the book, those that open an entry, its ledger page type)."""
    from indexer.fields.catalogue import load

    types = [d for d in load().doc_types.values() if d.book == book_id]
    filed = tuple(d.id for d in types if d.kind != "register_page")
    ledger = next((d.id for d in types if d.kind == "register_page"), None)
    return filed, tuple(d.id for d in types if d.opens_entry), ledger


@cache
def _key_index(type_id: str) -> dict[str, Key]:
    return {k.key: k for k in BOOK_TYPES[type_id].all_keys}


def book_type_of_document(doc_type: str | None) -> BookType | None:
    """The book a document of this type is filed in (None: not filed)."""
    if not doc_type:
        return None
    for bt in BOOK_TYPES.values():
        if doc_type in bt.doc_types:
            return bt
    return None


def header_key(header: str, bt: BookType) -> str | None:
    """The vocabulary key a column header of an old export means, or None (legacy import)."""
    raw = (header or "").strip()
    if not raw:
        return None
    for k in bt.all_keys:
        if raw.lower() == k.key.lower():
            return k.key
    h = " ".join(fold(raw).replace("_", " ").replace(":", " ").replace("(", " ").replace(")", " ").split())
    for k in bt.all_keys:
        if h == fold(k.label) or h in k.aliases:
            return k.key
    return None
