# Wat een bezoeker buiten het chatvenster leest: de e-mails die hij krijgt en de beoordelingspagina.

visitor-greeting = Hallo,
visitor-greeting-named = Hallo { $name },
visitor-signature = — { $workspace }, via Parlor
visitor-you = Jij

follow-up-subject-one = Nieuw antwoord van { $workspace }
follow-up-subject-many = { $count } nieuwe antwoorden van { $workspace }
follow-up-intro-one = Je hebt een nieuw antwoord van { $workspace }:
follow-up-intro-many = Je hebt nieuwe antwoorden van { $workspace }:
follow-up-wrote = { $author } schreef:
follow-up-answer-on-page = Ga terug naar de chat op { $url } om te antwoorden.
follow-up-answer-on-site = Open de chat op de website van { $workspace } opnieuw om te antwoorden.
follow-up-answer-by-email = Beantwoord deze e-mail om te antwoorden.
follow-up-resolved = { $workspace } heeft dit gesprek als opgelost gemarkeerd.

rating-subject = Hoe was je gesprek met { $workspace }?
rating-resolved = { $workspace } heeft je gesprek als opgelost gemarkeerd.
rating-question = Hoe was dit gesprek? Kies een beoordeling:
rating-choice = { $score } van 5, { $words }: { $link }
rating-links-note = Elke link opent een pagina waar je een opmerking kunt toevoegen voordat je je beoordeling verstuurt. De links werken tot { $until }.
rating-words-1 = heel slecht
rating-words-2 = slecht
rating-words-3 = redelijk
rating-words-4 = goed
rating-words-5 = heel goed

transcript-subject = Je gesprek met { $workspace }
transcript-intro = Hier is je gesprek met { $workspace }, zoals gevraagd.
transcript-line = { $author }, { $at }:
transcript-file = [bestand: { $name }]

rate-page-title = Beoordeel je gesprek
rate-page-heading = Hoe was je gesprek met { $workspace }?
rate-page-your-rating = Je beoordeling
rate-page-choice = { $score } van 5 · { $words }
rate-page-comment = Opmerking
rate-page-optional = (optioneel)
rate-page-send = Beoordeling versturen
rate-page-thanks-title = Bedankt
rate-page-problem-title = Beoordeling
rate-page-thanks = Bedankt voor je feedback
rate-page-rated = Je gaf je gesprek met { $workspace } een { $score } van 5. Je kunt dit 7 dagen lang via dezelfde e-mail wijzigen.
rate-page-cannot = Deze beoordeling kan niet worden verstuurd
rate-page-forged = Deze beoordelingslink is ongeldig. Controleer of hij volledig uit de e-mail is gekopieerd.
rate-page-expired = Deze beoordelingslink is verlopen: beoordelingen worden tot 7 dagen na het oplossen van een gesprek aangenomen.
rate-refused-not-found = Dit gesprek bestaat niet.
rate-refused-not-resolved = Alleen een opgelost gesprek kan worden beoordeeld.
rate-refused-closed = Beoordelingen van dit gesprek zijn gesloten: ze worden { $days } dagen lang aangenomen.
rate-refused-off = Dit team vraagt niet om beoordelingen.
rate-refused-bad-score = Een beoordeling is een geheel getal van 1 tot 5.
rate-refused-comment-too-long = Een opmerking mag hoogstens { $max } tekens lang zijn.
rate-refused-blocked = Deze chat is niet beschikbaar voor jou: het team heeft dit contact geblokkeerd.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Hoi! Vraag ons gerust alles, we helpen je graag.
stock-offline-message = We zijn er nu even niet. Laat je e-mailadres achter, dan antwoorden we je daar.
