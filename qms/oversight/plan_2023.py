"""The 2023 administrative reform plan of An Dương ward (Kế hoạch 07/KH-UBND,
14/01/2023) and every task of its appendix, transcribed from the signed plan for the demo."""

from datetime import date

# The extraction has no title line (it starts at the plan's first paragraph); the title
# is taken from the plan's closing sentence ("Trên đây là kế hoạch cải cách hành chính
# nhà nước năm 2023 của Ủy ban nhân dân phường").
PLAN = {
    "number": "07/KH-UBND",
    "issued_on": date(2023, 1, 14),
    "year": 2023,
    "title": "Kế hoạch cải cách hành chính nhà nước năm 2023",
}


# (section, content, leader, units, product, timeframe, deadline)
# An empty product means the source's "Sản phẩm" cell is empty. A task whose timeframe
# says "cả năm" is carried out all year: due at the year's end (what it issues in
# January is its first month's progress). "Cán bộ, công chức" are every unit's
# officers, the one-stop desk's included.
TASKS = [
    # I.1 (source lines 334-355)
    (
        "I. Công tác chỉ đạo điều hành, kiểm tra và tuyên truyền",
        "Xây dựng và ban hành Kế hoạch thực hiện CCHC nhà nước năm 2023",
        "chairman",
        ("VP-TK",),
        "Kế hoạch thực hiện CCHC",
        "Tháng 01/2023",
        date(2023, 1, 31),
    ),
    # I.2 (lines 357-385); carried out all year: due at the year's end.
    (
        "I. Công tác chỉ đạo điều hành, kiểm tra và tuyên truyền",
        "Xây dựng kế hoạch và tổ chức kiểm tra thực hiện nhiệm vụ tuyên truyền CCHC",
        "vice_chairman",
        ("VH-XH",),
        "Kế hoạch tuyên truyền CCHC",
        "Quý I/2023; thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # I.3 (lines 387-419)
    (
        "I. Công tác chỉ đạo điều hành, kiểm tra và tuyên truyền",
        "Tổ chức đo lường mức độ hài lòng của người dân, tổ chức, doanh nghiệp khi đến "
        "giao dịch tại UBND phường",
        "vice_chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH"),
        "Phiếu đo lường mức độ hài lòng của người dân, tổ chức, doanh nghiệp",
        "Cả năm 2023",
        date(2023, 12, 31),
    ),
    # I.4 (lines 421-435); source says: "CC VP-TK, TP-HT, ĐC-XD, VH-XH và CC có liên
    # quan" (kept in OTHER_IMPLEMENTERS). The timeframe keeps the source spelling "Qúy".
    (
        "I. Công tác chỉ đạo điều hành, kiểm tra và tuyên truyền",
        "Tổ chức thực hiện việc xác định Chỉ số CCHC năm 2023",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH"),
        "",
        "Qúy IV/2023",
        date(2023, 12, 31),
    ),
    # I.5 (lines 437-457); source says: "CC VP-TK, TP-HT, ĐC-XD, VH-XH và CC có liên
    # quan".
    (
        "I. Công tác chỉ đạo điều hành, kiểm tra và tuyên truyền",
        "Tổ chức kiểm tra việc thực hiện công tác CCHC, trách nhiệm thi hành công vụ của "
        "người đứng đầu đơn vị",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH"),
        "",
        "Cả năm 2023",
        date(2023, 12, 31),
    ),
    # II.1 (lines 461-490); carried out all year: due at the year's end.
    (
        "II. Cải cách thể chế",
        "Xây dựng, ban hành và tổ chức thực hiện Kế hoạch kiểm tra, rà soát văn bản QPPL năm 2023",
        "chairman",
        ("TP-HT",),
        "Kế hoạch kiểm tra, rà soát văn bản QPPL",
        "Tháng 01/2023; thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # II.2 (lines 492-519, product ends with "luật" on line 545 after the page break).
    (
        "II. Cải cách thể chế",
        "Xây dựng, ban hành Kế hoạch theo dõi tình hình thi hành pháp luật năm 2023",
        "chairman",
        ("TP-HT",),
        "Kế hoạch theo dõi tình hình thi hành pháp luật",
        "Tháng 01/2023; thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # II.3 (lines 547-568)
    (
        "II. Cải cách thể chế",
        "Xây dựng, ban hành Kế hoạch thực hiện công tác quản lý thi hành pháp luật về xử "
        "lý vi phạm hành chính năm 2023",
        "chairman",
        ("TP-HT",),
        "",
        "Tháng 01/2023; thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # II.4 (lines 570-607)
    (
        "II. Cải cách thể chế",
        "Xây dựng, ban hành Kế hoạch thực hiện các nhiệm vụ trọng tâm công tác bồi thường "
        "nhà nước năm 2023",
        "chairman",
        ("TP-HT",),
        "Kế hoạch thực hiện các nhiệm vụ trọng tâm công tác bồi thường nhà nước",
        "Tháng 02/2023; thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # III.1 (lines 611-637); carried out all year: due at the year's end.
    (
        "III. Cải cách TTHC và thực hiện cơ chế một cửa, một cửa liên thông",
        "Xây dựng, ban hành và tổ chức thực hiện Kế hoạch kiểm soát TTHC năm 2023",
        "chairman",
        ("VP-TK",),
        "Kế hoạch kiểm soát TTHC",
        "Tháng 01/2023 và tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # III.2 (lines 639-663)
    (
        "III. Cải cách TTHC và thực hiện cơ chế một cửa, một cửa liên thông",
        "Xây dựng, ban hành và tổ chức thực hiện việc rà soát, đơn giản hóa TTHC năm 2023",
        "chairman",
        ("VP-TK",),
        "Kế hoạch rà soát TTHC",
        "Tháng 01/2023 và tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # III.3 (lines 665-689); source says: "CC VP-TK, TP-HT, ĐC-XD, VH-XH và CC có liên
    # quan".
    (
        "III. Cải cách TTHC và thực hiện cơ chế một cửa, một cửa liên thông",
        "Thực hiện số hóa hồ sơ, TTHC theo Nghị định số 107/2021/NĐ-CP và văn bản số "
        "556/UBND-KSTTHC ngày 21/01/2022 của UBND thành phố",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH"),
        "",
        "Cả năm 2023",
        date(2023, 12, 31),
    ),
    # IV (lines 691-698): the only row of the section has no TT number and only its
    # content; leader, units, product and time are all blank in the source. Leader set
    # to the chairman (who signs the plan), no units, and due by the end of the plan's
    # year.
    (
        "IV. Cải cách tổ chức bộ máy",
        "Tiếp tục thực hiện sắp xếp, kiện toàn theo hướng dẫn của UBND quận",
        "chairman",
        (),
        "",
        "",
        date(2023, 12, 31),
    ),
    # V.1 (lines 708-741, split by a page break); source says: "Cán bộ, công chức".
    # "Tổ chức thực hiện cả năm 2023" → the end of 2023.
    (
        "V. Cải cách chế độ công vụ",
        "Cử CBCC tham gia đầy đủ các lớp tập huấn về chuyên môn, nghiệp vụ do Quận tổ "
        "chức. Tạo điều kiện để CBCC học tập nâng cao trình độ chuyên môn nghiệp vụ và lý "
        "luận chính trị đáp ứng yêu cầu nhiệm vụ",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH", "TC-KT", "BP-MC"),
        "",
        "Tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # V.2 (lines 745-779); source says: "Cán bộ, công chức". The source date is
    # 21/12/2022, before the plan was issued (14/01/2023); kept as written.
    (
        "V. Cải cách chế độ công vụ",
        "Tổ chức ký cam kết không gây phiền hà sách nhiễu, tiêu cực trong thực thi công vụ "
        "năm 2023",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH", "TC-KT", "BP-MC"),
        "Ký cam kết không gây phiền hà sách nhiễu, tiêu cực trong thực thi công vụ",
        "Ngày 21/12/2022",
        date(2022, 12, 21),
    ),
    # V.3 (lines 781-813); source says: "Cán bộ, công chức".
    (
        "V. Cải cách chế độ công vụ",
        "Thực hiện nghiêm túc, có hiệu quả các quy định về đánh giá, xếp loại chất lượng "
        "cán bộ, công chức; lấy kết quả việc đánh giá làm cơ sở cho việc đề xuất hình thức "
        "thi đua, khen thưởng cuối năm",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH", "TC-KT", "BP-MC"),
        "Phiếu đánh giá, xếp loại chất lượng CBCC",
        "Quý IV/2023",
        date(2023, 12, 31),
    ),
    # V.4 (lines 815-838)
    (
        "V. Cải cách chế độ công vụ",
        "Thực hiện kê khai tài sản, thu nhập của đối tượng thuộc diện Thanh tra quản lý "
        "theo quy định của Luật phòng, chống tham nhũng.",
        "chairman",
        ("TP-HT",),
        "Bản kê khai tài sản và thu nhập",
        "Quý IV/2023",
        date(2023, 12, 31),
    ),
    # VI.1 (lines 846-866); "Tổ chức thực hiện cả năm 2023" → the end of 2023.
    (
        "VI. Cải cách tài chính công",
        "Triển khai thực hiện các văn bản quy định pháp luật mới về cơ chế tài chính, tăng "
        "cường kỷ cương thu, chi ngân sách",
        "chairman",
        ("TC-KT",),
        "",
        "Tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # VII.1 (lines 870-892)
    (
        "VII. Xây dựng Chính quyền điện tử, Chính quyền số",
        "Thực hiện kiểm tra, đánh giá việc áp dụng, duy trì, cải tiến Hệ thống quản lý chất "
        "lượng theo tiêu chuẩn quốc gia TCVN ISO 9001 - 2015.",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH"),
        "",
        "Cả năm 2023",
        date(2023, 12, 31),
    ),
    # VII.2 (lines 894-919, split by a page break); source says: "CC VHVH".
    # "Tổ chức thực hiện cả năm 2023" → the end of 2023.
    (
        "VII. Xây dựng Chính quyền điện tử, Chính quyền số",
        "Ban hành và triển khai hoàn thành 100% nhiệm vụ trong kế hoạch chuyển đổi số năm 2023",
        "vice_chairman",
        ("VH-XH",),
        "",
        "Tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # VII.3 (lines 921-947); "Tổ chức thực hiện cả năm 2023" → the end of 2023.
    (
        "VII. Xây dựng Chính quyền điện tử, Chính quyền số",
        "Vận hành, khai thác hiệu quả Hệ thống Một cửa điện tử và Dịch vụ công trực tuyến, "
        "kết nối với Cổng dịch vụ công quốc gia",
        "chairman",
        ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH"),
        "",
        "Tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
    # VII.4 (lines 949-969); source says: "CC VPTK". "Tổ chức thực hiện cả năm 2023" →
    # the end of 2023.
    (
        "VII. Xây dựng Chính quyền điện tử, Chính quyền số",
        "Tiếp tục triển khai áp dụng chữ ký số cá nhân trên hệ thống quản lý văn bản điều hành",
        "chairman",
        ("VP-TK",),
        "",
        "Tổ chức thực hiện cả năm 2023",
        date(2023, 12, 31),
    ),
]


# The implementers a task names beyond its units, by the task's order (1-based):
# I.4, I.5 and III.3 add "và CC có liên quan".
OTHER_IMPLEMENTERS = {order: "và công chức có liên quan" for order in (4, 5, 12)}
