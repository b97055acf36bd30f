# E-Mails, die Parlor an Teammitglieder schickt: ihr Konto, ihr Team und ihre Gespräche.

team-greeting = Hallo { $name },
team-hello = Guten Tag,
team-hi = Hallo,
team-signature = — Parlor
team-answer-in-inbox = Im Posteingang antworten:
team-choose-notifications = Benachrichtigungen einstellen:
team-a-visitor = Ein Besucher
team-a-visitor-inline = einem Besucher
team-visitor = Besucher

verify-subject = Bestätigen Sie Ihre E-Mail-Adresse für Parlor
verify-body = Willkommen bei Parlor. Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:
verify-expiry = Der Link ist 3 Tage gültig. Wenn Sie sich nicht bei Parlor registriert haben, können Sie diese E-Mail ignorieren.

reset-subject = Ihr Parlor-Passwort zurücksetzen
reset-body = Jemand (hoffentlich Sie) möchte das Passwort Ihres Parlor-Kontos zurücksetzen. Wählen Sie hier ein neues Passwort:
reset-expiry = Der Link funktioniert einmal und eine Stunde lang. Ein neues Passwort meldet Sie auf allen anderen Geräten ab.
reset-ignore = Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.

password-changed-subject = Ihr Parlor-Passwort wurde geändert
password-changed-body = Das Passwort Ihres Parlor-Kontos wurde soeben geändert, und alle anderen Geräte wurden abgemeldet.
password-changed-advice = Wenn Sie das waren, ist nichts zu tun. Wenn nicht, setzen Sie Ihr Passwort sofort zurück:

email-change-confirm-subject = Bestätigen Sie Ihre neue E-Mail-Adresse für Parlor
email-change-confirm-body = Sie möchten diese Adresse, { $new_email }, für Ihr Parlor-Konto verwenden. Bestätigen Sie sie über diesen Link:
email-change-confirm-expiry = Der Link funktioniert einmal und 24 Stunden lang. Bis er geöffnet wird, behält Ihr Konto seine bisherige Adresse. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Es ändert sich nichts.

email-change-requested-subject = Eine Änderung Ihrer Parlor-E-Mail-Adresse wurde angefordert
email-change-requested-body = Jemand, der in Ihrem Parlor-Konto angemeldet ist, möchte dessen E-Mail-Adresse von dieser auf { $new_email } ändern. Es ändert sich nichts, solange der Link, den wir an { $new_email } geschickt haben, nicht innerhalb von 24 Stunden geöffnet wird.
email-change-requested-advice = Wenn Sie das waren, ist nichts zu tun. Wenn nicht, kennt jemand Ihr Passwort: Brechen Sie die Änderung ab und ändern Sie Ihr Passwort auf Ihrer Kontoseite:
email-change-requested-reset = Wenn Sie sich nicht mehr anmelden können, setzen Sie Ihr Passwort zurück (der Link geht an diese Adresse):

email-changed-subject = Ihre Parlor-E-Mail-Adresse wurde geändert
email-changed-body = Die E-Mail-Adresse Ihres Parlor-Kontos wurde soeben von { $old_email } auf { $new_email } geändert. Ab jetzt melden Sie sich mit der neuen Adresse an, und E-Mails von Parlor gehen dorthin.
email-changed-advice = Wenn Sie das waren, ist nichts zu tun. Wenn nicht, hat jemand, der Ihr Passwort kannte, Ihr Konto übernommen: Wenden Sie sich sofort an den Parlor-Support und bitten Sie die Inhaber Ihrer Arbeitsbereiche, das Konto aus ihren Teams zu entfernen.

invitation-subject = { $inviter } hat Sie zu { $workspace } auf Parlor eingeladen
invitation-body = { $inviter } hat Sie eingeladen, in { $workspace } auf Parlor Kunden zu antworten, als { $role }. Hier beitreten:
invitation-expiry = Der Link funktioniert einmal und 7 Tage lang. Wenn Sie { $inviter } nicht kennen, können Sie diese E-Mail ignorieren.
invitation-role-admin = Admin
invitation-role-agent = Agent

new-conversation-subject = Neues Gespräch in { $workspace }: { $visitor }
new-conversation-body = { $visitor } hat in { $workspace } ein Gespräch begonnen:
new-conversation-why = Sie erhalten diese E-Mail, weil Sie für jedes neue Gespräch eine angefordert haben.

new-conversations-subject = { $count } neue Gespräche in { $workspace }
new-conversations-body = { $count } Gespräche haben in der letzten Minute in { $workspace } begonnen:
new-conversations-why = Sie erhalten höchstens eine dieser E-Mails pro Minute, weil Sie für jedes neue Gespräch eine angefordert haben.

assigned-subject = Ein Gespräch mit { $visitor } in { $workspace } ist Ihnen zugewiesen
assigned-by = { $by } hat Ihnen ein Gespräch mit { $visitor } in { $workspace } zugewiesen.
assigned-auto = Die automatische Zuweisung hat Ihnen ein Gespräch mit { $visitor } in { $workspace } gegeben.
assigned-latest = Die neuesten Nachrichten:
assigned-open = Im Posteingang öffnen:
assigned-why = Sie erhalten diese E-Mail, weil Sie eine angefordert haben, wenn Ihnen ein Gespräch zugewiesen wird.

new-message-subject = { $visitor } hat in Ihrem Gespräch in { $workspace } geschrieben
new-message-body = { $visitor } hat in Ihrem Gespräch in { $workspace } geschrieben, während Sie abwesend waren:
new-message-why = Sie erhalten diese E-Mail, weil Ihnen das Gespräch zugewiesen ist und Sie offline oder abwesend waren. Sie erhalten höchstens eine pro Gespräch alle { $minutes } Minuten.

unread-subject = { $visitor } wartet in { $workspace } auf eine Antwort
unread-outside-hours = { $visitor } hat { $workspace } außerhalb Ihrer Geschäftszeiten geschrieben:
unread-nobody = { $visitor } hat { $workspace } geschrieben, und niemand hat es bisher gelesen:

payment-failed-subject = Zahlung für { $workspace } auf Parlor fehlgeschlagen
payment-failed-body = Wir konnten das Abonnement von { $workspace } auf Parlor nicht abbuchen. Stripe versucht es in den nächsten Tagen erneut; scheitern alle Versuche, wechselt der Arbeitsbereich zum Free-Tarif (es wird nichts gelöscht).
payment-failed-update = Zahlungsmethode hier aktualisieren:
