"""The format of Decree 30/2020/NĐ-CP (R10) in every PDF: the embedded Times New
Roman-metric font and its Vietnamese letters, the heading and body sizes, page
numbers from page 2 at the top, signatures never alone on a page."""

import html
import re
import subprocess
import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, Spacer

from qms.pdf import (
    BOLD,
    BOLD_ITALIC,
    FONT,
    HEADING_COLUMNS,
    ITALIC,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    TOP_MARGIN,
    Signer,
    build_pdf,
    columns,
    grid,
    heading_table,
    paragraph,
    signature_block,
    styles,
)

# R10's test string: the letters most often missing from a font, and their lower case.
R10 = "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐđ"
TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
VOWELS = "aăâeêioôơuưy"
ALPHABET = {
    unicodedata.normalize("NFC", letter + tone)
    for vowel in VOWELS
    for letter in (vowel, vowel.upper())
    for tone in ("", *TONES)
} | set("đĐ" + R10 + R10.lower())
FACES = {
    FONT: "LiberationSerif",
    BOLD: "LiberationSerif-Bold",
    ITALIC: "LiberationSerif-Italic",
    BOLD_ITALIC: "LiberationSerif-BoldItalic",
}


def save(data: bytes, tmp_path, name: str = "doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def page_text(path, page: int) -> str:
    """The text of one page, with runs of white space folded to one space."""
    raw = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw.decode()))


def page_count(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(info.stdout.split("Pages:")[1].split()[0])


def words(path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x min, y min, x max, y max) of one page, in points from its top left."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (unicodedata.normalize("NFC", html.unescape(word)), *map(float, box))
        for *box, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            out,
        )
    ]


def runs(data: bytes, page: int = 0) -> list[tuple[str, str, float]]:
    """(text, font, size) of each line drawn on a page."""
    found = []

    def visit(value, _cm, _tm, font, size):
        if value.strip():
            found.append((unicodedata.normalize("NFC", value.strip()), font["/BaseFont"], size))

    PdfReader(BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return found


def test_every_vietnamese_letter_has_a_glyph_in_each_face(db):
    styles()  # registers the fonts
    assert len(ALPHABET) == 12 * 2 * 6 + 2
    for name, face_name in FACES.items():
        face = pdfmetrics.getFont(name).face
        assert face.name.decode() == face_name
        missing = sorted(letter for letter in ALPHABET if ord(letter) not in face.charToGlyph)
        assert not missing, (name, missing)


def test_the_test_string_reads_back_from_each_embedded_face(tmp_path, db):
    lines = [R10, R10.lower(), "Hồ sơ được tiếp nhận đúng hạn; Đường Lê Chân, phường An Dương."]
    story = [
        Paragraph(markup.format(line), styles()["body"])
        for markup in ("{}", "<b>{}</b>", "<i>{}</i>", "<b><i>{}</i></b>")
        for line in lines
    ]
    path = save(build_pdf(story, title="Phông chữ"), tmp_path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    embedded = {row.split()[0].split("+")[-1]: row.split()[-5] for row in fonts.splitlines()[2:]}
    assert embedded == dict.fromkeys(FACES.values(), "yes")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    read = unicodedata.normalize("NFC", text.decode()).split("\n")
    for line in lines:
        assert read.count(line) == 4, line
    drawn = {(value, font.split("+")[-1]) for value, font, _size in runs(path.read_bytes())}
    for face in FACES.values():
        assert (R10, face) in drawn and (R10.lower(), face) in drawn


LONG_SUPERIOR = "Ủy ban nhân dân thành phố Hải Phòng"
LONG_ISSUER = "Trung tâm phục vụ hành chính công"


@pytest.mark.parametrize(
    ("superior", "issuer", "lines"),
    [
        (
            LONG_SUPERIOR,
            LONG_ISSUER,
            [
                "ỦY BAN NHÂN DÂN",
                "THÀNH PHỐ HẢI PHÒNG",
                "TRUNG TÂM PHỤC VỤ",
                "HÀNH CHÍNH CÔNG",
            ],
        ),
        (
            "Ủy ban nhân dân quận Lê Chân",
            "Ủy ban nhân dân phường An Dương",
            # 72 mm: wider than the left column of a page with Decree 30's margins
            ["ỦY BAN NHÂN DÂN", "QUẬN LÊ CHÂN", "ỦY BAN NHÂN DÂN", "PHƯỜNG AN DƯƠNG"],
        ),
    ],
)
def test_the_heading_in_the_sizes_of_decree_30_fits_its_columns(
    superior, issuer, lines, tmp_path, db
):
    story = [heading_table(superior, issuer), paragraph("Nội dung văn bản.")]
    data = build_pdf(story, title="Tiêu đề")
    drawn = runs(data)
    regular, bold = FACES[FONT], FACES[BOLD]
    expected = [
        (lines[0], regular, 12),
        *[(line, bold, 12) for line in lines[-2:]],
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold, 12),
        ("Độc lập - Tự do - Hạnh phúc", bold, 13),
        ("Nội dung văn bản.", regular, 13),
    ]
    for value, face, size in expected:
        assert (value, f"/AAAAAA+{face}", size) in drawn, value
    # Every word of a column within it: the balanced lines break nowhere else.
    split = LEFT_MARGIN + HEADING_COLUMNS[0]
    page = words(save(data, tmp_path), 1)
    body_top = min(y0 for word, _x0, y0, _x1, _y1 in page if word == "Nội")
    heading = [word for word in page if word[4] < body_top]
    assert " ".join(word for word, _x0, _y0, x1, _y1 in heading if x1 <= split) == " ".join(lines)
    assert (
        " ".join(word for word, x0, _y0, _x1, _y1 in heading if x0 >= split)
        == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
    )


def test_pages_are_numbered_from_the_second_at_the_top_centre(tmp_path, db):
    story = [paragraph(f"Đoạn {n}: " + "nội dung của văn bản " * 30) for n in range(40)]
    path = save(build_pdf(story, title="Dài", footer="QT-TP-05"), tmp_path)
    pages = page_count(path)
    assert pages >= 3
    for page in range(1, pages + 1):
        top = [word for word in words(path, page) if word[4] <= TOP_MARGIN]
        if page == 1:
            assert top == []
        else:
            ((number, x0, _y0, x1, _y1),) = top
            assert number == str(page)
            assert abs((x0 + x1) / 2 - (LEFT_MARGIN + 595.2756 - RIGHT_MARGIN) / 2) < 1
        assert "QT-TP-05" in page_text(path, page) and "Trang" not in page_text(path, page)


def pages(path) -> list[str]:
    """The text of each page (pdftotext ends each with a form feed), white space folded."""
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    text = unicodedata.normalize("NFC", raw.decode())
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


@pytest.mark.parametrize("lead", ["paragraph", "table"])
def test_a_signature_block_never_stands_alone_on_a_page(lead, tmp_path, db):
    """Whatever room the page has left, the block shares its page with the last
    lines of the text before it, and "Nơi nhận" stays beside the signature."""
    seen_pages = set()
    for shift in range(0, 60, 3):
        story = [paragraph(f"Dòng đệm {n}") for n in range(shift)]
        if lead == "paragraph":
            story.append(paragraph("Đoạn cuối trước chữ ký. " * 12 + "KẾT THÚC ĐOẠN"))
            story.append(Spacer(1, 8 * mm))
        else:
            rows = [["Câu hỏi", "Kết quả"]] + [[f"Câu {n}", "Phù hợp"] for n in range(30)]
            story.append(grid([*rows, ["KẾT THÚC BẢNG", "Phù hợp"]], columns(120, 50)))
        story.append(
            signature_block(
                Signer("Trưởng đoàn đánh giá", "Phạm Minh Tuấn"), recipients="Lưu: VT, ISO."
            )
        )
        texts = pages(save(build_pdf(story, title="Ký"), tmp_path))
        ((page, text),) = [(n, t) for n, t in enumerate(texts) if "TRƯỞNG ĐOÀN ĐÁNH GIÁ" in t]
        for part in ("Phạm Minh Tuấn", "Nơi nhận:", "- Lưu: VT, ISO.", "KẾT THÚC"):
            assert part in text, (shift, part)
        assert text.index("KẾT THÚC") < text.index("Nơi nhận:"), shift
        seen_pages.add((len(texts), page))
    # the shifts did move the block across a page break
    assert len({pages for pages, _page in seen_pages}) > 1
