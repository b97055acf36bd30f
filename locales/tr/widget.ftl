# Sohbet penceresi (anahtarlar locales/en/widget.ftl ile aynı).

## Pencere ve başlığı
w-title = { $name } ile sohbet
w-rt-minutes = Genellikle birkaç dakika içinde yanıt veririz
w-rt-hours = Genellikle birkaç saat içinde yanıt veririz
w-rt-day = Genellikle bir gün içinde yanıt veririz
w-online = Şu anda çevrimiçi
w-away = Şu anda buralarda değiliz
w-list = Sohbetleriniz
w-new = Yeni sohbet
w-mail = Bu sohbeti bana e-postayla gönder
w-close = Sohbeti kapat
w-messages = Mesajlar
w-reconnecting = Çevrimdışısınız. Yeniden bağlanılıyor…
w-sep = {", "}

## Yazma
w-message = Mesaj
w-write = Bir mesaj yazın…
w-send = Gönder
w-attach = Dosya ekle
w-pending = Gönderilecek dosyalar
w-drop = Göndermek için dosyaları buraya bırakın
w-support = Destek
w-someone = Biri
w-typing = { $name } yazıyor…
w-st-sending = Gönderiliyor…
w-st-sent = Gönderildi
w-st-read = Okundu
w-st-failed = Gönderilemedi

## E-posta isteme
w-gate = Siz ayrıldıktan sonra da yanıt verebilmemiz için e-posta adresiniz
w-gate-away = E-posta adresinizi bırakın, size oradan yanıt verelim
w-continue = Devam
w-skip = Hayır, teşekkürler
w-thanks-email = Teşekkürler! O zamana kadar ayrılmış olursanız size { $email } adresinden yanıt vereceğiz.
w-try-again = Tekrar deneyin.
w-offline = Çevrimdışı görünüyorsunuz. Biraz sonra tekrar deneyin.

## Sohbetler ve dökümler
w-loading = Yükleniyor…
w-list-error = Sohbetleriniz yüklenemedi. Tekrar deneyin.
w-list-empty = Henüz sohbet yok. “Yeni sohbet” ile bir tane başlatın.
w-file1 = 1 dosya
w-files = { $n } dosya
w-you = Siz: { $text }
w-unread = { $n } okunmamış
w-open = Açık
w-resolved = Çözüldü
w-mail-to = Bu sohbeti şu adrese gönder
w-cancel = İptal
w-mail-sent = Bu sohbeti { $email } adresine gönderdik.
w-mail-failed = Gönderilemedi. Tekrar deneyin.

## Değerlendirme
w-csat = Bu sohbet nasıldı?
w-rate = 5 üzerinden { $n } ver
w-rated = Bu sohbete 5 üzerinden { $n } verdiniz.
w-thanks = Geri bildiriminiz için teşekkürler
w-change = Puanı değiştir
w-comment = Yorum ekleyin (isteğe bağlı)
w-send-comment = Yorumu gönder

## Dosya gönderme
w-file = dosya
w-up-ready = Göndermeye hazır
w-up-busy = Yükleniyor…
w-up-name = { $name } yükleniyor
w-up-large = Bu dosya { $size } sınırından büyük.
w-up-full = Bu sohbet şu anda daha fazla dosya alamıyor. Mesajınızı dosyasız gönderin.
w-up-quick = Çok hızlı dosya gönderiyorsunuz. Bir dakika bekleyip tekrar deneyin.
w-up-failed = Dosya yüklenemedi.
w-up-offline = Çevrimdışı görünüyorsunuz. Tekrar bağlandığınızda yeniden deneyin.
w-up-max = Bir mesajda en fazla { $n } dosya olabilir.
w-up-wait = Dosyalarınızın yüklenmesi bitene kadar bekleyin, sonra gönderin.
w-up-fix = Yüklenemeyen dosyaları kaldırın (ya da yeniden deneyin), sonra gönderin.
w-files-offline = Çevrimdışı görünüyorsunuz: dosyalarınız geri döndüğünüzde eklenecek.
w-retry = Yeniden dene
w-retry-name = { $name } için yeniden dene
w-remove = { $name } dosyasını kaldır

## Web sitesindeki düğme
w-chat = Sohbet
w-open-chat = Sohbeti aç
w-open-unread = Sohbeti aç, { $n } okunmamış

## Önizlemedeki örnek sohbet
w-sample-q = Merhaba! Kanada'ya gönderim yapıyor musunuz?
w-sample-a = Evet: teslimat 3 ila 5 gün sürüyor.
