"""Each clause's questions as a ward's one-stop desk meets the requirement, in place of
the one general question every clause shared (written by 0002).

The general question of a clause is rewritten in place, so that a checklist template
naming it keeps its link; any further question of its list would be added beside it
(each list holds one). With the 12 specific questions 0002 wrote beside the general
ones, the bank holds 96 questions for the 84 clauses. Audits never read
the bank after they start (their checklist items are copies), so no audit changes.
The data is frozen here, as in 0002.
"""

from django.db import migrations

QUESTIONS: dict[str, list[str]] = {
    "4.1": [
        "Phường có xác định các vấn đề bên ngoài và nội bộ ảnh hưởng đến việc giải quyết "
        "thủ tục hành chính (sắp xếp đơn vị hành chính, chính quyền hai cấp, chuyển đổi số, "
        "biến đổi khí hậu) và xem xét lại khi có thay đổi không?"
    ],
    "4.2": [
        "Phường có xác định người dân, doanh nghiệp, UBND cấp trên và các cơ quan phối hợp "
        "là các bên quan tâm, cùng các yêu cầu của họ đối với Bộ phận Một cửa không?"
    ],
    "4.3": [
        "Quyết định công bố phạm vi HTQLCL có còn đúng với danh mục thủ tục hành chính "
        "tỉnh đã công bố cho cấp xã không, phần không áp dụng (8.3) có lý do không?"
    ],
    "4.4": [
        "Các quá trình tiếp nhận, chuyển, giải quyết, trả kết quả và theo dõi hồ sơ có được "
        "xác định với đầu vào, đầu ra, trình tự và người chịu trách nhiệm không?"
    ],
    "4.4.1": [
        "Mỗi thủ tục hành chính trong phạm vi có quy trình nội bộ nêu rõ các bước, bộ phận "
        "thực hiện và thời gian cho từng bước không?"
    ],
    "4.4.2": [
        "Phiếu kiểm soát quá trình và sổ theo dõi hồ sơ có được lưu làm bằng chứng các "
        "quá trình đã được thực hiện như hoạch định không?"
    ],
    "5.1": [
        "Chủ tịch UBND phường có trực tiếp chủ trì họp xem xét của lãnh đạo, ký ban hành "
        "chính sách và xác nhận hiệu lực của HTQLCL không?"
    ],
    "5.1.1": [
        "Lãnh đạo phường có bố trí nguồn lực, phân công Ban chỉ đạo ISO và theo dõi việc "
        "áp dụng quy trình tại Bộ phận Một cửa không?"
    ],
    "5.1.2": [
        "Lãnh đạo phường có theo dõi tỷ lệ hồ sơ trễ hạn, việc xin lỗi người dân và mức độ "
        "hài lòng để hướng vào người dân không?"
    ],
    "5.2": [
        "Chính sách chất lượng có phù hợp với nhiệm vụ giải quyết thủ tục hành chính của "
        "phường và còn hiệu lực không?"
    ],
    "5.2.1": [
        "Chính sách chất lượng có được Chủ tịch UBND phường ký ban hành, có cam kết đáp ứng "
        "yêu cầu của người dân và cải tiến liên tục không?"
    ],
    "5.2.2": [
        "Chính sách chất lượng có được đăng trên trang thông tin điện tử của phường và phổ "
        "biến cho công chức mới, công chức được điều động đến không?"
    ],
    "5.3": [
        "Quyết định phân công có nêu rõ trách nhiệm của thư ký ISO, công chức tiếp nhận, "
        "công chức chuyên môn và người ký kết quả, và họ có biết trách nhiệm của mình không?"
    ],
    "6.1": [
        "Phường có nhận diện rủi ro và cơ hội của việc giải quyết hồ sơ (trễ hạn, mất hồ sơ, "
        "lỗi hệ thống một cửa điện tử, thiếu công chức) không?"
    ],
    "6.1.1": [
        "Khi hoạch định HTQLCL, các rủi ro và cơ hội có được xét từ các vấn đề ở 4.1 và yêu "
        "cầu của các bên quan tâm ở 4.2 không?"
    ],
    "6.1.2": [
        "Các biện pháp xử lý rủi ro (dự phòng máy quét, phân công thay thế khi công chức "
        "vắng) có được lập kế hoạch, thực hiện và đánh giá hiệu lực không?"
    ],
    "6.2": [
        "Mục tiêu chất lượng của phường có nhất quán với chính sách chất lượng và có mục "
        "tiêu cho Bộ phận Một cửa và từng bộ phận giải quyết hồ sơ không?"
    ],
    "6.2.1": [
        "Mục tiêu chất lượng có số đo cụ thể (tỷ lệ hồ sơ đúng hạn, tỷ lệ hài lòng, tỷ lệ "
        "số hóa) và được phổ biến đến Bộ phận Một cửa không?"
    ],
    "6.2.2": [
        "Kế hoạch thực hiện mục tiêu có nêu việc cần làm, nguồn lực, người chịu trách nhiệm, "
        "thời hạn và cách đánh giá kết quả không?"
    ],
    "6.3": [
        "Khi thủ tục hành chính hoặc tổ chức bộ máy thay đổi (sắp xếp phường, chuyển giao "
        "thẩm quyền), thay đổi có được hoạch định để việc tiếp nhận hồ sơ không gián đoạn "
        "không?"
    ],
    "7.1": [
        "Phường có xác định và bố trí đủ công chức, trang thiết bị và kinh phí để duy trì "
        "HTQLCL và Bộ phận Một cửa không?"
    ],
    "7.1.1": [
        "Nhu cầu nguồn lực của Bộ phận Một cửa (số quầy, số công chức theo lượng hồ sơ) có "
        "được xem xét, kể cả nguồn lực từ bên ngoài không?"
    ],
    "7.1.2": [
        "Số công chức tại Bộ phận Một cửa có đủ để tiếp nhận hồ sơ trong giờ làm việc mà "
        "người dân không phải chờ quá lâu không?"
    ],
    "7.1.3": [
        "Máy tính, máy in, máy quét, đường truyền và phần mềm một cửa điện tử có hoạt động "
        "ổn định và có sổ theo dõi bảo trì, sửa chữa không?"
    ],
    "7.1.4": [
        "Khu vực Bộ phận Một cửa có đủ chỗ ngồi chờ, biển chỉ dẫn, ánh sáng, lối đi cho "
        "người khuyết tật và bảo đảm trật tự không?"
    ],
    "7.1.5": [
        "Máy cấp số thứ tự, máy quét hồ sơ và thiết bị đánh giá mức độ hài lòng có được "
        "kiểm tra định kỳ để cho số liệu đúng không?"
    ],
    "7.1.5.1": [
        "Số liệu dùng để theo dõi (thời điểm tiếp nhận, hạn trả kết quả, số phiếu đánh giá) "
        "có được lấy từ nguồn tin cậy và kiểm tra đối chiếu không?"
    ],
    "7.1.5.2": [
        "Đồng hồ hệ thống của phần mềm một cửa và máy cấp số có được đồng bộ giờ chuẩn để "
        "thời điểm tiếp nhận, trả kết quả ghi đúng không?"
    ],
    "7.1.6": [
        "Kinh nghiệm giải quyết hồ sơ (các trường hợp khó, câu hỏi thường gặp, văn bản "
        "hướng dẫn) có được ghi lại và chia sẻ cho công chức mới không?"
    ],
    "7.2": [
        "Phường có xác định năng lực cần có của công chức tiếp nhận và chuyên gia đánh giá "
        "nội bộ, và lưu hồ sơ đào tạo, chứng chỉ của họ không?"
    ],
    "7.3": [
        "Công chức có biết chính sách chất lượng, mục tiêu liên quan đến công việc của mình "
        "và hậu quả khi không làm đúng quy trình (hồ sơ trễ hạn, phải xin lỗi) không?"
    ],
    "7.4": [
        "Phường có quy định nội dung, thời điểm, người và cách trao đổi thông tin trong nội "
        "bộ (giao ban, nhóm tin nhắn) và với người dân (niêm yết, đường dây nóng) không?"
    ],
    "7.5": [
        "Các quy trình và biểu mẫu đang dùng tại quầy có đúng lần ban hành hiệu lực, và hồ "
        "sơ (phiếu, sổ) có được lưu theo thời hạn quy định không?"
    ],
    "7.5.1": [
        "Phường có đủ thông tin dạng văn bản mà tiêu chuẩn yêu cầu (phạm vi, chính sách, "
        "mục tiêu, quy trình, hồ sơ đánh giá nội bộ và xem xét của lãnh đạo) không?"
    ],
    "7.5.2": [
        "Quy trình khi ban hành hoặc sửa đổi có ký hiệu, lần ban hành, ngày hiệu lực, được "
        "xem xét và phê duyệt bởi người có thẩm quyền không?"
    ],
    "7.5.3": [
        "Danh mục tài liệu nội bộ và danh mục văn bản pháp luật bên ngoài có được cập nhật, "
        "và người có trách nhiệm biết bản nào đang hiệu lực không?"
    ],
    "7.5.3.1": [
        "Quy trình và biểu mẫu có sẵn tại quầy khi cần, hồ sơ của người dân có được bảo vệ "
        "khỏi mất mát, sửa chữa và lộ thông tin cá nhân không?"
    ],
    "7.5.3.2": [
        "Văn bản pháp luật bên ngoài có được cập nhật trong 3 tháng, hồ sơ có danh mục lưu "
        "trữ, thời hạn lưu và cách hủy không?"
    ],
    "8.1": [
        "Trước khi tiếp nhận một thủ tục mới, phường có xác định yêu cầu, quy trình, biểu "
        "mẫu và người thực hiện không?"
    ],
    "8.2": [
        "Yêu cầu của từng thủ tục (thành phần hồ sơ, lệ phí, thời hạn, cơ quan có thẩm "
        "quyền) có được xác định theo quyết định công bố thủ tục của tỉnh không?"
    ],
    "8.2.1": [
        "Người dân có được hướng dẫn đầy đủ một lần, được báo khi hồ sơ cần bổ sung hoặc "
        "trễ hạn, và có nơi gửi phản ánh, kiến nghị không?",
    ],
    "8.2.2": [
        "Thành phần hồ sơ, lệ phí và thời hạn niêm yết tại quầy có khớp với quyết định công "
        "bố thủ tục hành chính còn hiệu lực không?"
    ],
    "8.2.3": [
        "Công chức tiếp nhận có kiểm tra tính đầy đủ, hợp lệ của hồ sơ trước khi nhận và ghi "
        "giấy tiếp nhận, hẹn trả kết quả không?"
    ],
    "8.2.3.1": [
        "Hồ sơ chưa đủ có được hướng dẫn bổ sung bằng phiếu yêu cầu bổ sung, hoàn thiện hồ "
        "sơ (mẫu 02), hồ sơ không đủ điều kiện có phiếu từ chối (mẫu 03) không?"
    ],
    "8.2.3.2": [
        "Giấy tiếp nhận, phiếu yêu cầu bổ sung và phiếu từ chối có được lưu cùng hồ sơ làm "
        "bằng chứng việc xem xét yêu cầu không?"
    ],
    "8.2.4": [
        "Khi thủ tục thay đổi (thành phần hồ sơ, lệ phí, thời hạn), niêm yết tại quầy, quy "
        "trình và công chức liên quan có được cập nhật kịp thời không?"
    ],
    "8.3": [
        "Phường có nêu lý do không áp dụng thiết kế và phát triển (thủ tục do pháp luật quy "
        "định, phường không tự thiết kế) trong phạm vi HTQLCL không?"
    ],
    "8.3.1": [
        "Khi phường tự xây dựng một dịch vụ mới (chẳng hạn trả kết quả tận nhà), có quá "
        "trình thiết kế để bảo đảm dịch vụ đáp ứng yêu cầu không?"
    ],
    "8.3.2": [
        "Việc xây dựng dịch vụ mới có kế hoạch với các giai đoạn, người phụ trách, thời hạn "
        "và bước kiểm tra không?"
    ],
    "8.3.3": [
        "Đầu vào của dịch vụ mới (yêu cầu pháp luật, nhu cầu người dân, kinh nghiệm trước) "
        "có được xác định và ghi lại không?"
    ],
    "8.3.4": [
        "Dịch vụ mới có được xem xét, kiểm tra và thử trước khi áp dụng, vấn đề phát hiện "
        "có được xử lý không?"
    ],
    "8.3.5": [
        "Kết quả thiết kế (quy trình, biểu mẫu, hướng dẫn cho người dân) có đủ để thực hiện "
        "và được phê duyệt không?"
    ],
    "8.3.6": [
        "Thay đổi đối với dịch vụ đã thiết kế có được xem xét, phê duyệt và ghi lại trước "
        "khi áp dụng không?"
    ],
    "8.4": [
        "Các dịch vụ bên ngoài (bưu chính công ích trả kết quả, nhà cung cấp phần mềm một "
        "cửa, đơn vị tư vấn ISO) có được xác định và kiểm soát không?"
    ],
    "8.4.1": [
        "Phường có tiêu chí lựa chọn và đánh giá nhà cung cấp dịch vụ bên ngoài, và lưu kết "
        "quả đánh giá không?"
    ],
    "8.4.2": [
        "Hồ sơ, kết quả chuyển qua bưu chính công ích hoặc cơ quan phối hợp có được theo dõi "
        "thời gian giao nhận và kiểm tra khi nhận lại không?"
    ],
    "8.4.3": [
        "Hợp đồng hoặc văn bản với nhà cung cấp có nêu rõ yêu cầu (thời hạn chuyển phát, "
        "bảo mật hồ sơ, hỗ trợ phần mềm) không?"
    ],
    "8.5": [
        "Việc giải quyết hồ sơ có được thực hiện trong điều kiện kiểm soát: đúng quy trình, "
        "đúng thẩm quyền và theo dõi được trên phần mềm một cửa không?"
    ],
    "8.5.1": [
        "Hồ sơ lấy mẫu có được giải quyết đúng thời hạn từng bước trong quy trình, người "
        "giao và người nhận có ký trên phiếu kiểm soát quá trình không?"
    ],
    "8.5.2": [
        "Mỗi hồ sơ có mã số riêng, được ghi sổ theo dõi và tra cứu được tình trạng ở từng "
        "bước, từng người xử lý không?"
    ],
    "8.5.3": [
        "Giấy tờ gốc của người dân có được ghi nhận khi nhận, bảo quản, trả lại đủ, và thông "
        "tin cá nhân có được bảo vệ không?"
    ],
    "8.5.4": [
        "Hồ sơ giấy đang giải quyết có được bảo quản (tủ, kẹp, nhãn) và bản điện tử được sao "
        "lưu để không thất lạc, hư hỏng không?"
    ],
    "8.5.5": [
        "Sau khi trả kết quả, phường có tiếp nhận và xử lý sai sót trên kết quả (đính chính, "
        "cấp lại) và phản ánh của người dân không?"
    ],
    "8.5.6": [
        "Thay đổi trong quá trình giải quyết (đổi người xử lý, gia hạn, điều chỉnh hẹn trả) "
        "có được người có thẩm quyền xem xét và ghi lại không?"
    ],
    "8.6": [
        "Kết quả giải quyết có được kiểm tra và ký bởi người có thẩm quyền trước khi trả cho "
        "người dân, và việc trả có được ghi sổ không?"
    ],
    "8.7": [
        "Phường có quy định cách nhận biết và xử lý hồ sơ có sai sót hoặc kết quả sai trước "
        "khi trả cho người dân không?"
    ],
    "8.7.1": [
        "Hồ sơ trễ hạn hoặc kết quả sai có được phát hiện, có phiếu xin lỗi và hẹn lại ngày "
        "trả kết quả (mẫu 04) gửi người dân không?"
    ],
    "8.7.2": [
        "Mỗi đầu ra không phù hợp có được ghi lại: mô tả, hành động đã làm, người quyết định "
        "xử lý không?"
    ],
    "9.1": [
        "Phường có xác định cần theo dõi gì (tỷ lệ đúng hạn, số hóa, hài lòng), theo dõi bằng "
        "cách nào và khi nào phân tích không?"
    ],
    "9.1.1": [
        "Số liệu theo dõi (số hồ sơ tiếp nhận, đúng hạn, trễ hạn theo tháng) có được tổng hợp "
        "định kỳ và lưu lại không?"
    ],
    "9.1.2": [
        "Ý kiến đánh giá mức độ hài lòng tại quầy (thiết bị đánh giá, mã QR, phiếu khảo sát) "
        "có được thu thập, tổng hợp và xem xét định kỳ không?",
    ],
    "9.1.3": [
        "Số liệu theo dõi có được phân tích để đánh giá mức đạt mục tiêu, xu hướng trễ hạn "
        "theo thủ tục và hiệu lực của các hành động không?"
    ],
    "9.2": [
        "Kết quả đánh giá nội bộ có được báo cáo Chủ tịch UBND phường và đưa vào xem xét "
        "của lãnh đạo không?"
    ],
    "9.2.1": [
        "Đánh giá nội bộ có được tiến hành ít nhất mỗi năm một lần, bao trùm các quy trình "
        "giải quyết thủ tục trong phạm vi không?"
    ],
    "9.2.2": [
        "Mỗi cuộc đánh giá có kế hoạch, chuyên gia không đánh giá công việc của mình, báo "
        "cáo gửi lãnh đạo và sự không phù hợp được khắc phục không?"
    ],
    "9.3": [
        "Xem xét của lãnh đạo có kết luận về sự phù hợp, thỏa đáng và hiệu lực của HTQLCL "
        "và về định hướng của phường không?"
    ],
    "9.3.1": [
        "Lãnh đạo phường có họp xem xét HTQLCL ít nhất mỗi năm một lần, có biên bản ghi thời "
        "gian, địa điểm, thành phần không?"
    ],
    "9.3.2": [
        "Biên bản xem xét có đủ đầu vào: kết quả lần trước, thay đổi, hài lòng, mục tiêu, "
        "hồ sơ trễ hạn, đánh giá, nguồn lực, rủi ro và cơ hội không?"
    ],
    "9.3.3": [
        "Kết luận của cuộc họp có nêu cơ hội cải tiến, thay đổi HTQLCL, nhu cầu nguồn lực, "
        "người thực hiện và thời hạn không?"
    ],
    "10.1": [
        "Phường có chọn và thực hiện các cơ hội cải tiến việc giải quyết thủ tục (rút ngắn "
        "thời gian, tăng hồ sơ trực tuyến) không?"
    ],
    "10.2": [
        "Các nguồn phát hiện sự không phù hợp (hồ sơ trễ hạn, phản ánh của người dân, đánh "
        "giá nội bộ, kiểm tra của cấp trên) có được ghi vào sổ theo dõi không?"
    ],
    "10.2.1": [
        "Khi có sự không phù hợp hoặc khiếu nại của người dân, phường có xử lý hậu quả, tìm "
        "nguyên nhân và xem xét sự việc có thể lặp lại ở thủ tục khác không?"
    ],
    "10.2.2": [
        "Phiếu theo dõi sự không phù hợp có ghi bản chất, nguyên nhân, hành động khắc phục và "
        "kết quả kiểm tra hiệu lực không?"
    ],
    "10.3": [
        "Kết quả phân tích số liệu và xem xét của lãnh đạo có được dùng để cải tiến liên tục "
        "HTQLCL, có bằng chứng về cải tiến đã thực hiện không?"
    ],
}

# The general question 0002 wrote for every clause, which the first of each list replaces.
GENERAL = (
    "Tổ chức có đáp ứng yêu cầu {number} “{title}” không, và có bằng chứng "
    "(thông tin dạng văn bản, hồ sơ) cho việc đáp ứng đó không?"
)


def _general(clause) -> str:
    return GENERAL.format(number=clause.number, title=clause.title)


def replace_general(apps, schema_editor):
    Clause = apps.get_model("audits", "Clause")
    Question = apps.get_model("audits", "Question")
    for clause in Clause.objects.filter(number__in=QUESTIONS):
        bank = Question.objects.filter(clause=clause, procedure__isnull=True)
        texts = [text for text in QUESTIONS[clause.number] if not bank.filter(text=text).exists()]
        general = bank.filter(text=_general(clause)).first()
        if general is not None and texts:
            general.text = texts.pop(0)
            general.save(update_fields=["text"])
        Question.objects.bulk_create(Question(clause=clause, text=text) for text in texts)


def restore_general(apps, schema_editor):
    Clause = apps.get_model("audits", "Clause")
    Question = apps.get_model("audits", "Question")
    for clause in Clause.objects.filter(number__in=QUESTIONS):
        first, *others = QUESTIONS[clause.number]
        bank = Question.objects.filter(clause=clause, procedure__isnull=True)
        bank.filter(text__in=others).delete()
        bank.filter(text=first).update(text=_general(clause))


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_approved_at")]

    operations = [migrations.RunPython(replace_general, restore_general)]
