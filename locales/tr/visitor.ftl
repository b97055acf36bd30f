# Bir ziyaretçinin sohbet penceresi dışında okudukları: ona giden e-postalar ve değerlendirme sayfası.

visitor-greeting = Merhaba,
visitor-greeting-named = Merhaba { $name },
visitor-signature = — { $workspace }, Parlor aracılığıyla
visitor-you = Siz

follow-up-subject-one = { $workspace } ekibinden yeni yanıt
follow-up-subject-many = { $workspace } ekibinden { $count } yeni yanıt
follow-up-intro-one = { $workspace } ekibinden yeni bir yanıtınız var:
follow-up-intro-many = { $workspace } ekibinden yeni yanıtlarınız var:
follow-up-wrote = { $author } yazdı:
follow-up-answer-on-page = Yanıtlamak için { $url } adresindeki sohbete dönün.
follow-up-answer-on-site = Yanıtlamak için { $workspace } web sitesindeki sohbeti yeniden açın.
follow-up-answer-by-email = Yanıtlamak için bu e-postayı yanıtlamanız yeterli.
follow-up-resolved = { $workspace } bu görüşmeyi çözüldü olarak işaretledi.

rating-subject = { $workspace } ile görüşmeniz nasıldı?
rating-resolved = { $workspace } görüşmenizi çözüldü olarak işaretledi.
rating-question = Bu görüşme nasıldı? Bir puan seçin:
rating-choice = 5 üzerinden { $score }, { $words }: { $link }
rating-links-note = Her bağlantı, puanınızı göndermeden önce yorum ekleyebileceğiniz bir sayfa açar. Bağlantılar { $until } tarihine kadar geçerlidir.
rating-words-1 = çok kötü
rating-words-2 = kötü
rating-words-3 = idare eder
rating-words-4 = iyi
rating-words-5 = çok iyi

transcript-subject = { $workspace } ile görüşmeniz
transcript-intro = İstediğiniz gibi, { $workspace } ile görüşmeniz aşağıdadır.
transcript-line = { $author }, { $at }:
transcript-file = [dosya: { $name }]

rate-page-title = Görüşmenizi değerlendirin
rate-page-heading = { $workspace } ile görüşmeniz nasıldı?
rate-page-your-rating = Puanınız
rate-page-choice = 5 üzerinden { $score } · { $words }
rate-page-comment = Yorum
rate-page-optional = (isteğe bağlı)
rate-page-send = Puanı gönder
rate-page-thanks-title = Teşekkürler
rate-page-problem-title = Değerlendirme
rate-page-thanks = Geri bildiriminiz için teşekkürler
rate-page-rated = { $workspace } ile görüşmenize 5 üzerinden { $score } puan verdiniz. Bunu 7 gün boyunca aynı e-postadan değiştirebilirsiniz.
rate-page-cannot = Bu değerlendirme gönderilemiyor
rate-page-forged = Bu değerlendirme bağlantısı geçersiz. E-postadan eksiksiz kopyalandığından emin olun.
rate-page-expired = Bu değerlendirme bağlantısının süresi doldu: değerlendirmeler, görüşme çözüldükten sonra 7 gün boyunca alınır.
rate-refused-not-found = Böyle bir görüşme yok.
rate-refused-not-resolved = Yalnızca çözülmüş bir görüşme değerlendirilebilir.
rate-refused-closed = Bu görüşmenin değerlendirmeleri kapandı: { $days } gün boyunca alınır.
rate-refused-off = Bu ekip değerlendirme istemiyor.
rate-refused-bad-score = Puan, 1 ile 5 arasında bir tam sayıdır.
rate-refused-comment-too-long = Bir yorum en fazla { $max } karakter olabilir.
rate-refused-blocked = Bu sohbet size açık değil: ekip bu kişiyi engelledi.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Merhaba! Bize her şeyi sorabilirsiniz, yardımcı olmaktan memnuniyet duyarız.
stock-offline-message = Şu anda uzaktayız. E-posta adresinizi bırakın, size oradan yanıt verelim.
