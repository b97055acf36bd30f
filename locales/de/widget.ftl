# Das Chatfenster (Schlüssel wie in locales/en/widget.ftl).

## Fenster und Kopfzeile
w-title = Chat mit { $name }
w-rt-minutes = Wir antworten meist in wenigen Minuten
w-rt-hours = Wir antworten meist innerhalb weniger Stunden
w-rt-day = Wir antworten meist innerhalb eines Tages
w-online = Jetzt online
w-away = Wir sind gerade nicht da
w-list = Deine Unterhaltungen
w-new = Neue Unterhaltung
w-mail = Unterhaltung per E-Mail schicken
w-close = Chat schließen
w-messages = Nachrichten
w-reconnecting = Du bist offline. Verbindung wird wiederhergestellt …
w-sep = {", "}

## Schreiben
w-message = Nachricht
w-write = Schreib eine Nachricht …
w-send = Senden
w-attach = Datei anhängen
w-pending = Zu sendende Dateien
w-drop = Dateien hier ablegen, um sie zu senden
w-support = Support
w-someone = Jemand
w-typing = { $name } schreibt …
w-st-sending = Wird gesendet …
w-st-sent = Gesendet
w-st-read = Gelesen
w-st-failed = Nicht gesendet

## Nach einer E-Mail-Adresse fragen
w-gate = Deine E-Mail-Adresse, damit wir dir auch antworten können, wenn du weg bist
w-gate-away = Hinterlass deine E-Mail-Adresse, dann antworten wir dir dort
w-continue = Weiter
w-skip = Nein danke
w-thanks-email = Danke! Falls du dann schon weg bist, antworten wir dir an { $email }.
w-try-again = Versuch es noch einmal.
w-offline = Du scheinst offline zu sein. Versuch es gleich noch einmal.

## Unterhaltungen und Verläufe
w-loading = Wird geladen …
w-list-error = Deine Unterhaltungen konnten nicht geladen werden. Versuch es noch einmal.
w-list-empty = Noch keine Unterhaltungen. Beginne eine mit „Neue Unterhaltung“.
w-file1 = 1 Datei
w-files = { $n } Dateien
w-you = Du: { $text }
w-unread = { $n } ungelesen
w-open = Offen
w-resolved = Erledigt
w-mail-to = Diese Unterhaltung per E-Mail an
w-cancel = Abbrechen
w-mail-sent = Wir haben diese Unterhaltung an { $email } geschickt.
w-mail-failed = Sie konnte nicht gesendet werden. Versuch es noch einmal.

## Bewertung
w-csat = Wie war diese Unterhaltung?
w-rate = Mit { $n } von 5 bewerten
w-rated = Du hast diese Unterhaltung mit { $n } von 5 bewertet.
w-thanks = Danke für dein Feedback
w-change = Bewertung ändern
w-comment = Kommentar hinzufügen (optional)
w-send-comment = Kommentar senden

## Dateien senden
w-file = Datei
w-up-ready = Bereit zum Senden
w-up-busy = Wird hochgeladen …
w-up-name = { $name } wird hochgeladen
w-up-large = Diese Datei ist größer als { $size }.
w-up-full = Dieser Chat kann gerade keine weiteren Dateien annehmen. Sende deine Nachricht ohne sie.
w-up-quick = Du sendest Dateien sehr schnell. Warte eine Minute und versuch es dann noch einmal.
w-up-failed = Die Datei konnte nicht hochgeladen werden.
w-up-offline = Du scheinst offline zu sein. Versuch es noch einmal, sobald du wieder online bist.
w-up-max = Eine Nachricht kann höchstens { $n } Dateien enthalten.
w-up-wait = Warte, bis deine Dateien hochgeladen sind, und sende dann.
w-up-fix = Entferne die Dateien, die nicht hochgeladen werden konnten (oder versuch es erneut), und sende dann.
w-files-offline = Du scheinst offline zu sein: Deine Dateien werden hinzugefügt, sobald du wieder online bist.
w-retry = Erneut versuchen
w-retry-name = { $name } erneut versuchen
w-remove = { $name } entfernen

## Der Startknopf auf der Website
w-chat = Chat
w-open-chat = Chat öffnen
w-open-unread = Chat öffnen, { $n } ungelesen

## Die Beispielunterhaltung der Vorschau
w-sample-q = Hallo! Liefert ihr auch nach Kanada?
w-sample-a = Ja: Die Lieferung dauert 3 bis 5 Tage.
