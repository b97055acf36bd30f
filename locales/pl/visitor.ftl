# Co odwiedzający czyta poza oknem czatu: e-maile do niego i strona oceny.

visitor-greeting = Cześć,
visitor-greeting-named = Cześć { $name },
visitor-signature = — { $workspace }, przez Parlor
visitor-you = Ty

follow-up-subject-one = Nowa odpowiedź od { $workspace }
follow-up-subject-many = Nowe odpowiedzi od { $workspace }: { $count }
follow-up-intro-one = Masz nową odpowiedź od { $workspace }:
follow-up-intro-many = Masz nowe odpowiedzi od { $workspace }:
follow-up-wrote = { $author } napisał(a):
follow-up-answer-on-page = Aby odpowiedzieć, wróć do czatu na { $url }
follow-up-answer-on-site = Aby odpowiedzieć, otwórz ponownie czat na stronie { $workspace }.
follow-up-answer-by-email = Aby odpowiedzieć, po prostu odpowiedz na tego e-maila.
follow-up-resolved = { $workspace } oznaczył(a) tę rozmowę jako rozwiązaną.

rating-subject = Jak oceniasz rozmowę z { $workspace }?
rating-resolved = { $workspace } oznaczył(a) Twoją rozmowę jako rozwiązaną.
rating-question = Jak oceniasz tę rozmowę? Wybierz ocenę:
rating-choice = { $score } z 5, { $words }: { $link }
rating-links-note = Każdy link otwiera stronę, na której przed wysłaniem oceny możesz dodać komentarz. Linki działają do { $until }.
rating-words-1 = bardzo źle
rating-words-2 = źle
rating-words-3 = w porządku
rating-words-4 = dobrze
rating-words-5 = bardzo dobrze

transcript-subject = Twoja rozmowa z { $workspace }
transcript-intro = Oto Twoja rozmowa z { $workspace }, zgodnie z prośbą.
transcript-line = { $author }, { $at }:
transcript-file = [plik: { $name }]

rate-page-title = Oceń swoją rozmowę
rate-page-heading = Jak oceniasz rozmowę z { $workspace }?
rate-page-your-rating = Twoja ocena
rate-page-choice = { $score } z 5 · { $words }
rate-page-comment = Komentarz
rate-page-optional = (opcjonalnie)
rate-page-send = Wyślij ocenę
rate-page-thanks-title = Dziękujemy
rate-page-problem-title = Ocena
rate-page-thanks = Dziękujemy za opinię
rate-page-rated = Twoja ocena rozmowy z { $workspace }: { $score } z 5. Możesz ją zmienić z tego samego e-maila przez 7 dni.
rate-page-cannot = Nie można wysłać tej oceny
rate-page-forged = Ten link do oceny jest nieprawidłowy. Sprawdź, czy został skopiowany z e-maila w całości.
rate-page-expired = Ten link do oceny wygasł: oceny są przyjmowane przez 7 dni od rozwiązania rozmowy.
rate-refused-not-found = Nie ma takiej rozmowy.
rate-refused-not-resolved = Ocenić można tylko rozwiązaną rozmowę.
rate-refused-closed = Oceny tej rozmowy są zamknięte: przyjmujemy je przez { $days } dni.
rate-refused-off = Ten zespół nie prosi o oceny.
rate-refused-bad-score = Ocena to liczba całkowita od 1 do 5.
rate-refused-comment-too-long = Komentarz może mieć najwyżej { $max } znaków.
rate-refused-blocked = Ten czat jest dla Ciebie niedostępny: zespół zablokował ten kontakt.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Cześć! Zapytaj nas o cokolwiek, chętnie pomożemy.
stock-offline-message = Nie ma nas teraz. Zostaw swój e-mail, a odpowiemy Ci tam.
