"""The ISO 9001:2015 clauses 4.1-10.3 with their TCVN titles, and a question for each.

The data is a frozen copy of `audits/clauses.py` as it stood when this migration was
written: a migration writes the same rows whenever it runs, whatever later becomes
of the app's own list.
"""

from django.db import migrations

CLAUSES: list[tuple[str, str]] = [
    ("4.1", "Hiểu tổ chức và bối cảnh của tổ chức"),
    ("4.2", "Hiểu nhu cầu và mong đợi của các bên quan tâm"),
    ("4.3", "Xác định phạm vi của hệ thống quản lý chất lượng"),
    ("4.4", "Hệ thống quản lý chất lượng và các quá trình của hệ thống"),
    ("4.4.1", "Hệ thống quản lý chất lượng và các quá trình của hệ thống"),
    ("4.4.2", "Hệ thống quản lý chất lượng và các quá trình của hệ thống"),
    ("5.1", "Sự lãnh đạo và cam kết"),
    ("5.1.1", "Khái quát"),
    ("5.1.2", "Hướng vào khách hàng"),
    ("5.2", "Chính sách"),
    ("5.2.1", "Thiết lập chính sách chất lượng"),
    ("5.2.2", "Truyền đạt chính sách chất lượng"),
    ("5.3", "Vai trò, trách nhiệm và quyền hạn trong tổ chức"),
    ("6.1", "Hành động giải quyết rủi ro và cơ hội"),
    ("6.1.1", "Hành động giải quyết rủi ro và cơ hội"),
    ("6.1.2", "Hành động giải quyết rủi ro và cơ hội"),
    ("6.2", "Mục tiêu chất lượng và hoạch định để đạt được mục tiêu"),
    ("6.2.1", "Mục tiêu chất lượng và hoạch định để đạt được mục tiêu"),
    ("6.2.2", "Mục tiêu chất lượng và hoạch định để đạt được mục tiêu"),
    ("6.3", "Hoạch định các thay đổi"),
    ("7.1", "Nguồn lực"),
    ("7.1.1", "Khái quát"),
    ("7.1.2", "Con người"),
    ("7.1.3", "Cơ sở hạ tầng"),
    ("7.1.4", "Môi trường cho việc thực hiện các quá trình"),
    ("7.1.5", "Nguồn lực theo dõi và đo lường"),
    ("7.1.5.1", "Khái quát"),
    ("7.1.5.2", "Liên kết chuẩn đo lường"),
    ("7.1.6", "Tri thức của tổ chức"),
    ("7.2", "Năng lực"),
    ("7.3", "Nhận thức"),
    ("7.4", "Trao đổi thông tin"),
    ("7.5", "Thông tin dạng văn bản"),
    ("7.5.1", "Khái quát"),
    ("7.5.2", "Tạo lập và cập nhật"),
    ("7.5.3", "Kiểm soát thông tin dạng văn bản"),
    ("7.5.3.1", "Kiểm soát thông tin dạng văn bản"),
    ("7.5.3.2", "Kiểm soát thông tin dạng văn bản"),
    ("8.1", "Hoạch định và kiểm soát việc thực hiện"),
    ("8.2", "Yêu cầu đối với sản phẩm và dịch vụ"),
    ("8.2.1", "Trao đổi thông tin với khách hàng"),
    ("8.2.2", "Xác định các yêu cầu đối với sản phẩm và dịch vụ"),
    ("8.2.3", "Xem xét các yêu cầu đối với sản phẩm và dịch vụ"),
    ("8.2.3.1", "Xem xét các yêu cầu đối với sản phẩm và dịch vụ"),
    ("8.2.3.2", "Xem xét các yêu cầu đối với sản phẩm và dịch vụ"),
    ("8.2.4", "Thay đổi các yêu cầu đối với sản phẩm và dịch vụ"),
    ("8.3", "Thiết kế và phát triển sản phẩm và dịch vụ"),
    ("8.3.1", "Khái quát"),
    ("8.3.2", "Hoạch định thiết kế và phát triển"),
    ("8.3.3", "Đầu vào thiết kế và phát triển"),
    ("8.3.4", "Kiểm soát thiết kế và phát triển"),
    ("8.3.5", "Đầu ra thiết kế và phát triển"),
    ("8.3.6", "Thay đổi thiết kế và phát triển"),
    ("8.4", "Kiểm soát quá trình, sản phẩm và dịch vụ do bên ngoài cung cấp"),
    ("8.4.1", "Khái quát"),
    ("8.4.2", "Loại và mức độ kiểm soát"),
    ("8.4.3", "Thông tin cho nhà cung cấp bên ngoài"),
    ("8.5", "Sản xuất và cung cấp dịch vụ"),
    ("8.5.1", "Kiểm soát sản xuất và cung cấp dịch vụ"),
    ("8.5.2", "Nhận biết và xác định nguồn gốc"),
    ("8.5.3", "Tài sản của khách hàng hoặc nhà cung cấp bên ngoài"),
    ("8.5.4", "Bảo toàn"),
    ("8.5.5", "Hoạt động sau giao hàng"),
    ("8.5.6", "Kiểm soát thay đổi"),
    ("8.6", "Thông qua sản phẩm và dịch vụ"),
    ("8.7", "Kiểm soát đầu ra không phù hợp"),
    ("8.7.1", "Kiểm soát đầu ra không phù hợp"),
    ("8.7.2", "Kiểm soát đầu ra không phù hợp"),
    ("9.1", "Theo dõi, đo lường, phân tích và đánh giá"),
    ("9.1.1", "Khái quát"),
    ("9.1.2", "Sự thỏa mãn của khách hàng"),
    ("9.1.3", "Phân tích và đánh giá"),
    ("9.2", "Đánh giá nội bộ"),
    ("9.2.1", "Đánh giá nội bộ"),
    ("9.2.2", "Đánh giá nội bộ"),
    ("9.3", "Xem xét của lãnh đạo"),
    ("9.3.1", "Khái quát"),
    ("9.3.2", "Đầu vào xem xét của lãnh đạo"),
    ("9.3.3", "Đầu ra xem xét của lãnh đạo"),
    ("10.1", "Khái quát"),
    ("10.2", "Sự không phù hợp và hành động khắc phục"),
    ("10.2.1", "Sự không phù hợp và hành động khắc phục"),
    ("10.2.2", "Sự không phù hợp và hành động khắc phục"),
    ("10.3", "Cải tiến liên tục"),
]

# Questions written for the clauses a one-stop desk is audited on most; every
# other clause gets the general question of `question_for`.
SPECIFIC_QUESTIONS: dict[str, list[str]] = {
    "4.3": [
        "Phạm vi áp dụng HTQLCL có liệt kê đủ các thủ tục hành chính đang giải quyết "
        "tại Bộ phận Một cửa không?"
    ],
    "5.2.2": ["Chính sách chất lượng có được niêm yết và công chức nắm được không?"],
    "6.2": [
        "Mục tiêu chất lượng năm có đo được, có kế hoạch thực hiện và được theo dõi định kỳ không?"
    ],
    "7.2": [
        "Công chức một cửa có được đào tạo, bồi dưỡng về quy trình và kỹ năng giao tiếp không?"
    ],
    "7.5.3": [
        "Các quy trình đang áp dụng có đúng lần ban hành hiệu lực, bản hết hiệu lực "
        "có được đánh dấu không?"
    ],
    "8.2.1": [
        "Thông tin về thủ tục, lệ phí, thời hạn có được công khai tại Bộ phận Một cửa "
        "và trên cổng dịch vụ công không?"
    ],
    "8.5.1": [
        "Hồ sơ được tiếp nhận, chuyển và trả kết quả đúng quy trình, có phiếu kiểm soát "
        "quá trình không?"
    ],
    "8.7": ["Hồ sơ quá hạn có được xin lỗi, hẹn lại và ghi nhận là sự không phù hợp không?"],
    "9.1.2": ["Mức độ hài lòng của người dân có được thu thập và phân tích định kỳ không?"],
    "9.2": ["Chương trình đánh giá nội bộ năm có được phê duyệt và thực hiện đầy đủ không?"],
    "9.3": ["Xem xét của lãnh đạo có được thực hiện với đủ các đầu vào theo 9.3.2 không?"],
    "10.2": [
        "Sự không phù hợp có được phân tích nguyên nhân, khắc phục và kiểm tra hiệu lực không?"
    ],
}


def question_for(number: str, title: str) -> str:
    return (
        f"Tổ chức có đáp ứng yêu cầu {number} “{title}” không, và có bằng chứng "
        "(thông tin dạng văn bản, hồ sơ) cho việc đáp ứng đó không?"
    )


def seed(apps, schema_editor):
    Clause = apps.get_model("audits", "Clause")
    Question = apps.get_model("audits", "Question")
    for order, (number, title) in enumerate(CLAUSES, start=1):
        clause = Clause.objects.create(number=number, title=title, order=order)
        for text in [question_for(number, title), *SPECIFIC_QUESTIONS.get(number, [])]:
            Question.objects.create(clause=clause, text=text)


def unseed(apps, schema_editor):
    apps.get_model("audits", "Question").objects.filter(procedure__isnull=True).delete()
    apps.get_model("audits", "Clause").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
