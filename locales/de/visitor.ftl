# Was Besucher außerhalb des Chatfensters lesen: E-Mails an sie und die Bewertungsseite. Wie im
# Chatfenster per du.

visitor-greeting = Hallo,
visitor-greeting-named = Hallo { $name },
visitor-signature = — { $workspace }, über Parlor
visitor-you = Du

follow-up-subject-one = Neue Antwort von { $workspace }
follow-up-subject-many = { $count } neue Antworten von { $workspace }
follow-up-intro-one = Du hast eine neue Antwort von { $workspace }:
follow-up-intro-many = Du hast neue Antworten von { $workspace }:
follow-up-wrote = { $author } schrieb:
follow-up-answer-on-page = Um zu antworten, kehre zum Chat auf { $url } zurück.
follow-up-answer-on-site = Um zu antworten, öffne den Chat auf der Website von { $workspace } erneut.
follow-up-answer-by-email = Um zu antworten, antworte einfach auf diese E-Mail.
follow-up-resolved = { $workspace } hat diese Unterhaltung als erledigt markiert.

rating-subject = Wie war deine Unterhaltung mit { $workspace }?
rating-resolved = { $workspace } hat deine Unterhaltung als erledigt markiert.
rating-question = Wie war diese Unterhaltung? Wähle eine Bewertung:
rating-choice = { $score } von 5, { $words }: { $link }
rating-links-note = Jeder Link öffnet eine Seite, auf der du vor dem Absenden einen Kommentar hinzufügen kannst. Die Links funktionieren bis { $until }.
rating-words-1 = sehr schlecht
rating-words-2 = schlecht
rating-words-3 = in Ordnung
rating-words-4 = gut
rating-words-5 = sehr gut

transcript-subject = Deine Unterhaltung mit { $workspace }
transcript-intro = Hier ist deine Unterhaltung mit { $workspace }, wie gewünscht.
transcript-line = { $author }, { $at }:
transcript-file = [Datei: { $name }]

rate-page-title = Bewerte deine Unterhaltung
rate-page-heading = Wie war deine Unterhaltung mit { $workspace }?
rate-page-your-rating = Deine Bewertung
rate-page-choice = { $score } von 5 · { $words }
rate-page-comment = Kommentar
rate-page-optional = (optional)
rate-page-send = Bewertung senden
rate-page-thanks-title = Danke
rate-page-problem-title = Bewertung
rate-page-thanks = Danke für dein Feedback
rate-page-rated = Du hast deine Unterhaltung mit { $workspace } mit { $score } von 5 bewertet. Du kannst das 7 Tage lang über dieselbe E-Mail ändern.
rate-page-cannot = Diese Bewertung kann nicht gesendet werden
rate-page-forged = Dieser Bewertungslink ist ungültig. Prüfe, ob er vollständig aus der E-Mail kopiert wurde.
rate-page-expired = Dieser Bewertungslink ist abgelaufen: Bewertungen werden 7 Tage nach dem Erledigen einer Unterhaltung angenommen.
rate-refused-not-found = Diese Unterhaltung gibt es nicht.
rate-refused-not-resolved = Nur eine erledigte Unterhaltung kann bewertet werden.
rate-refused-closed = Bewertungen dieser Unterhaltung sind geschlossen: Sie werden { $days } Tage lang angenommen.
rate-refused-off = Dieses Team bittet nicht um Bewertungen.
rate-refused-bad-score = Eine Bewertung ist eine ganze Zahl von 1 bis 5.
rate-refused-comment-too-long = Ein Kommentar darf höchstens { $max } Zeichen lang sein.
rate-refused-blocked = Dieser Chat steht dir nicht zur Verfügung: Das Team hat diesen Kontakt gesperrt.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Hallo! Frag uns alles, wir helfen gern.
stock-offline-message = Wir sind gerade nicht da. Hinterlass deine E-Mail-Adresse, dann antworten wir dir dort.
