# ما يقرؤه الزائر خارج نافذة الدردشة: الرسائل المرسلة إليه وصفحة التقييم.

visitor-greeting = مرحبًا،
visitor-greeting-named = مرحبًا { $name }،
visitor-signature = — { $workspace }، عبر Parlor
visitor-you = أنت

follow-up-subject-one = رد جديد من { $workspace }
follow-up-subject-many = ردود جديدة من { $workspace }: { $count }
follow-up-intro-one = لديك رد جديد من { $workspace }:
follow-up-intro-many = لديك ردود جديدة من { $workspace }:
follow-up-wrote = كتب { $author }:
follow-up-answer-on-page = للرد، عد إلى الدردشة على { $url }
follow-up-answer-on-site = للرد، افتح الدردشة مرة أخرى على موقع { $workspace }.
follow-up-answer-by-email = للرد، ما عليك إلا الرد على هذه الرسالة.
follow-up-resolved = وضع { $workspace } علامة "تم الحل" على هذه المحادثة.

rating-subject = كيف كانت محادثتك مع { $workspace }؟
rating-resolved = وضع { $workspace } علامة "تم الحل" على محادثتك.
rating-question = كيف كانت هذه المحادثة؟ اختر تقييمًا:
rating-choice = { $score } من 5، { $words }: { $link }
rating-links-note = يفتح كل رابط صفحة يمكنك فيها إضافة تعليق قبل إرسال تقييمك. تعمل الروابط حتى { $until }.
rating-words-1 = سيئة جدًا
rating-words-2 = سيئة
rating-words-3 = مقبولة
rating-words-4 = جيدة
rating-words-5 = جيدة جدًا

transcript-subject = محادثتك مع { $workspace }
transcript-intro = إليك محادثتك مع { $workspace } كما طلبت.
transcript-line = { $author }، { $at }:
transcript-file = [ملف: { $name }]

rate-page-title = قيّم محادثتك
rate-page-heading = كيف كانت محادثتك مع { $workspace }؟
rate-page-your-rating = تقييمك
rate-page-choice = { $score } من 5 · { $words }
rate-page-comment = تعليق
rate-page-optional = (اختياري)
rate-page-send = أرسل التقييم
rate-page-thanks-title = شكرًا
rate-page-problem-title = التقييم
rate-page-thanks = شكرًا على ملاحظاتك
rate-page-rated = قيّمت محادثتك مع { $workspace } بـ { $score } من 5. يمكنك تغيير التقييم من الرسالة نفسها خلال 7 أيام.
rate-page-cannot = لا يمكن إرسال هذا التقييم
rate-page-forged = رابط التقييم هذا غير صالح. تأكد من نسخه كاملًا من الرسالة.
rate-page-expired = انتهت صلاحية رابط التقييم هذا: تُقبل التقييمات خلال 7 أيام من حل المحادثة.
rate-refused-not-found = لا توجد محادثة كهذه.
rate-refused-not-resolved = لا يمكن تقييم إلا المحادثات التي تم حلها.
rate-refused-closed = أُغلق تقييم هذه المحادثة: تُقبل التقييمات لمدة { $days } يومًا.
rate-refused-off = هذا الفريق لا يطلب تقييمات.
rate-refused-bad-score = التقييم عدد صحيح من 1 إلى 5.
rate-refused-comment-too-long = يمكن أن يحتوي التعليق على { $max } حرفًا على الأكثر.
rate-refused-blocked = هذه الدردشة غير متاحة لك: حظر الفريق جهة الاتصال هذه.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = مرحبًا! اسألنا عن أي شيء، يسعدنا مساعدتك.
stock-offline-message = نحن غير متاحين الآن. اترك بريدك الإلكتروني وسنرد عليك هناك.
