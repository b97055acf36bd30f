# Okno czatu (te same klucze co w locales/en/widget.ftl). Liczby stoją po dwukropku, żeby
# nie zależeć od form liczby mnogiej.

## Okno i jego nagłówek
w-title = Czat z { $name }
w-rt-minutes = Zwykle odpowiadamy w ciągu kilku minut
w-rt-hours = Zwykle odpowiadamy w ciągu kilku godzin
w-rt-day = Zwykle odpowiadamy w ciągu jednego dnia
w-online = Teraz online
w-away = Nie ma nas teraz
w-list = Twoje rozmowy
w-new = Nowa rozmowa
w-mail = Wyślij mi tę rozmowę e-mailem
w-close = Zamknij czat
w-messages = Wiadomości
w-reconnecting = Jesteś offline. Łączenie ponownie…
w-sep = {", "}

## Pisanie
w-message = Wiadomość
w-write = Napisz wiadomość…
w-send = Wyślij
w-attach = Załącz plik
w-pending = Pliki do wysłania
w-drop = Upuść pliki, aby je wysłać
w-support = Wsparcie
w-someone = Ktoś
w-typing = { $name } pisze…
w-st-sending = Wysyłanie…
w-st-sent = Wysłano
w-st-read = Przeczytano
w-st-failed = Nie wysłano

## Prośba o e-mail
w-gate = Twój e-mail, żebyśmy mogli odpowiedzieć, nawet gdy już wyjdziesz
w-gate-away = Zostaw nam swój e-mail, a tam odpowiemy
w-continue = Dalej
w-skip = Nie, dziękuję
w-thanks-email = Dzięki! Jeśli już wyjdziesz, odpowiemy na { $email }.
w-try-again = Spróbuj ponownie.
w-offline = Wygląda na to, że jesteś offline. Spróbuj ponownie za chwilę.

## Rozmowy i zapisy
w-loading = Wczytywanie…
w-list-error = Nie udało się wczytać Twoich rozmów. Spróbuj ponownie.
w-list-empty = Nie masz jeszcze rozmów. Zacznij od „Nowa rozmowa”.
w-file1 = 1 plik
w-files = Pliki: { $n }
w-you = Ty: { $text }
w-unread = Nieprzeczytane: { $n }
w-open = Otwarta
w-resolved = Rozwiązana
w-mail-to = Wyślij tę rozmowę na adres
w-cancel = Anuluj
w-mail-sent = Wysłaliśmy tę rozmowę na { $email }.
w-mail-failed = Nie udało się wysłać. Spróbuj ponownie.

## Ocena
w-csat = Jak oceniasz tę rozmowę?
w-rate = Oceń na { $n } z 5
w-rated = Oceniono tę rozmowę na { $n } z 5.
w-thanks = Dziękujemy za opinię
w-change = Zmień ocenę
w-comment = Dodaj komentarz (opcjonalnie)
w-send-comment = Wyślij komentarz

## Wysyłanie plików
w-file = plik
w-up-ready = Gotowe do wysłania
w-up-busy = Przesyłanie…
w-up-name = Przesyłanie { $name }
w-up-large = Ten plik jest większy niż { $size }.
w-up-full = Ten czat nie może teraz przyjąć więcej plików. Wyślij wiadomość bez niego.
w-up-quick = Wysyłasz pliki bardzo szybko. Odczekaj minutę i spróbuj ponownie.
w-up-failed = Nie udało się przesłać pliku.
w-up-offline = Wygląda na to, że jesteś offline. Spróbuj ponownie, gdy wrócisz.
w-up-max = Maksymalna liczba plików w wiadomości: { $n }.
w-up-wait = Poczekaj, aż pliki się prześlą, a potem wyślij.
w-up-fix = Usuń pliki, których nie udało się przesłać (albo spróbuj ponownie), a potem wyślij.
w-files-offline = Wygląda na to, że jesteś offline: pliki zostaną dodane, gdy wrócisz.
w-retry = Ponów
w-retry-name = Ponów { $name }
w-remove = Usuń { $name }

## Przycisk na stronie
w-chat = Czat
w-open-chat = Otwórz czat
w-open-unread = Otwórz czat, nieprzeczytane: { $n }

## Przykładowa rozmowa w podglądzie
w-sample-q = Cześć! Wysyłacie do Kanady?
w-sample-a = Tak: dostawa trwa od 3 do 5 dni.
