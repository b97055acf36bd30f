# Das Dashboard: jede Seite, die ein Mitglied liest, sowie die Seiten für Registrierung, Anmeldung und Passwort.

## Auf jeder Seite

skip-to-content = Zum Inhalt springen
nav-inbox = Posteingang
nav-home = Erste Schritte
nav-contacts = Kontakte
nav-reports = Berichte
nav-widget = Widget
nav-team = Team
nav-billing = Abrechnung
nav-settings = Einstellungen
nav-workspace = Arbeitsbereich
nav-switch-workspace = Arbeitsbereich wechseln
nav-workspaces = Arbeitsbereiche
nav-your-workspaces = Ihre Arbeitsbereiche
nav-create-workspace = Arbeitsbereich erstellen
nav-account-menu = Kontomenü von { $name }
nav-account = Konto und Geräte
nav-sign-out = Abmelden
banner-verify-label = E-Mail-Bestätigung
banner-verify-text = Bitte bestätigen Sie Ihre E-Mail-Adresse: Wir haben einen Link gesendet an
banner-verify-resend = Link erneut senden
banner-past-due = Eine Zahlung ist fehlgeschlagen.
banner-past-due-owner-before = Aktualisieren Sie unter
banner-past-due-owner-after = die Zahlungsmethode, damit Ihr Team seine Plätze behält.
banner-past-due-member = Der Inhaber des Arbeitsbereichs wurde informiert; bitten Sie ihn, die Zahlungsmethode zu aktualisieren.
banner-cap = { $used } Gespräche in diesem Monat: Der Free-Tarif enthält { $cap }.
banner-cap-still = Neue Besucher erreichen Sie weiterhin, und nichts geht verloren;
banner-cap-upgrade-link = wechseln Sie den Tarif
banner-cap-upgrade-after = für unbegrenzte Gespräche.
banner-cap-member = bitten Sie den Inhaber des Arbeitsbereichs um einen Tarifwechsel für unbegrenzte Gespräche.

## Hinweise nach einer Weiterleitung

notice-signed-out = Sie sind abgemeldet.
notice-signed-out-everywhere = Sie sind auf allen Geräten abgemeldet.
notice-password-reset = Ihr Passwort ist geändert, und alle anderen Geräte sind abgemeldet.
notice-email-verified = Danke, Ihre E-Mail-Adresse ist bestätigt.
notice-verification-sent = Wir haben Ihnen einen neuen Bestätigungslink gesendet.
notice-session-revoked = Dieses Gerät ist abgemeldet.
notice-name-saved = Ihr Name ist gespeichert. Teammitglieder und Besucher sehen ihn ab sofort.
notice-password-changed = Ihr Passwort ist geändert, und alle anderen Geräte sind abgemeldet.
notice-time-zone-saved = Ihre Zeitzone ist gespeichert. Zeiten in der Konsole werden darin angezeigt.
notice-email-change-sent = Prüfen Sie Ihre neue Adresse: Die Änderung erfolgt, sobald Sie den Link öffnen, den wir dorthin gesendet haben.
notice-email-change-cancelled = Die Änderung der E-Mail-Adresse ist abgebrochen; ihr Link funktioniert nicht mehr.
notice-email-changed = Ihre E-Mail-Adresse ist geändert. Melden Sie sich ab sofort mit der neuen an.
notice-avatar-saved = Ihr Avatar ist gespeichert. Teammitglieder sehen ihn in der Konsole, Besucher neben Ihren Antworten.
notice-avatar-removed = Ihr Avatar ist entfernt: An seiner Stelle erscheinen Ihre Initialen.
notice-workspace-renamed = Der Name des Arbeitsbereichs ist gespeichert.
notice-workspace-created = Ihr neuer Arbeitsbereich ist bereit.
notice-invitation-sent = Die Einladung ist unterwegs. Ihr Link ist 7 Tage gültig.
notice-invitation-revoked = Die Einladung ist zurückgezogen; ihr Link funktioniert nicht mehr.
notice-role-changed = Die Rolle ist geändert.
notice-member-removed = Die Person ist aus dem Arbeitsbereich entfernt und abgemeldet.
notice-ownership-transferred = Der Arbeitsbereich hat einen neuen Inhaber; Sie sind jetzt Admin.
notice-left-workspace = Sie haben den Arbeitsbereich verlassen.
notice-joined-workspace = Willkommen im Team!
notice-api-key-revoked = Der Schlüssel ist widerrufen: Anfragen damit werden ab sofort abgelehnt.
notice-reply-sent = Ihre Antwort ist gesendet.
notice-conversation-assigned = Die Zuweisung ist gespeichert.
notice-conversation-resolved = Das Gespräch ist erledigt. Eine neue Nachricht des Besuchers öffnet es wieder.
notice-conversation-snoozed = Das Gespräch ist zurückgestellt; es wird zur gewählten Zeit wieder offen.
notice-conversation-updated = Der Status des Gesprächs ist gespeichert.
notice-contact-saved = Der Kontakt ist gespeichert.
notice-attributes-saved = Die Attribute des Kontakts sind gespeichert.
notice-attribute-created = Das Attribut ist hinzugefügt. Mitglieder füllen es auf der Seite jedes Kontakts aus.
notice-attribute-saved = Das Attribut ist gespeichert.
notice-attribute-deleted = Das Attribut ist gelöscht, und seine Werte sind bei allen Kontakten entfernt.
notice-label-added = Das Label ist am Gespräch.
notice-label-removed = Das Label ist vom Gespräch entfernt.
notice-label-created = Das Label ist hinzugefügt. Agenten können es jetzt an Gespräche anbringen.
notice-label-saved = Das Label ist gespeichert.
notice-label-deleted = Das Label ist gelöscht und von allen Gesprächen entfernt.
notice-contact-blocked = Der Kontakt ist blockiert: Sein Chat ist geschlossen, und er kann keinen neuen beginnen.
notice-contact-unblocked = Der Kontakt ist nicht mehr blockiert: Er kann wieder chatten.
notice-canned-saved = Die Textvorlage ist gespeichert. Tippen Sie in einer Antwort / und ihr Kürzel, um sie zu verwenden.
notice-canned-updated = Die Textvorlage ist aktualisiert.
notice-canned-deleted = Die Textvorlage ist gelöscht.
notice-widget-saved = Die Widget-Einstellungen sind gespeichert. Seiten, die den Chat schon zeigen, übernehmen sie beim nächsten Laden.
notice-identity-secret-rotated = Das Identitätsgeheimnis ist neu: Aktualisieren Sie es auf Ihrem Server, denn mit dem alten erstellte Hashes werden jetzt abgelehnt.
notice-assignment-saved = Die automatische Zuweisung ist gespeichert.
notice-availability-saved = Geschäftszeiten und Nachverfolgung sind gespeichert. Das Widget übernimmt sie beim nächsten Laden.
notice-notifications-saved = Ihre Benachrichtigungen sind gespeichert. Ein offener Posteingang übernimmt sie beim nächsten Laden.
notice-webhook-created = Der Endpunkt ist hinzugefügt. Kopieren Sie unten sein Signaturgeheimnis, um Zustellungen zu prüfen.
notice-webhook-saved = Der Endpunkt ist gespeichert.
notice-webhook-deleted = Der Endpunkt ist gelöscht; es gehen keine Ereignisse mehr an ihn.
notice-webhook-test-sent = Ein Testereignis ist unterwegs; seine Zustellung erscheint in wenigen Sekunden unten.
notice-retention-saved = Die Datenaufbewahrung ist gespeichert. Die Bereinigung läuft täglich.
notice-contact-deleted = Der Kontakt und alle seine Gespräche und Nachrichten sind gelöscht.
notice-contacts-merged = Die Kontakte sind zusammengeführt: Alle ihre Gespräche sind jetzt hier.
notice-workspace-deleted = Der Arbeitsbereich und alle seine Daten sind gelöscht.
notice-language-saved = Ihre Sprache ist gespeichert. Die Konsole spricht sie ab sofort.

## Registrierung, Anmeldung, Passwörter, Einladungen, zugesandte Links

password-hint = Mindestens 8 Zeichen.
signup-title = Arbeitsbereich erstellen
signup-lead = Kostenlos starten. Ihre Besucher können in wenigen Minuten mit Ihnen chatten.
signup-name = Ihr Name
signup-email = Geschäftliche E-Mail-Adresse
signup-password = Passwort
signup-workspace-name = Name des Unternehmens oder Arbeitsbereichs
signup-submit = Arbeitsbereich erstellen
signup-have-account = Sie haben bereits ein Konto?
login-title = Anmelden
login-email = E-Mail-Adresse
login-password = Passwort
login-submit = Anmelden
login-forgot = Passwort vergessen?
login-new = Neu bei Parlor?
forgot-title = Passwort zurücksetzen
forgot-sent-before = Falls ein Konto für
forgot-sent-after = { " " }existiert, haben wir ihm einen Link gesendet, mit dem Sie ein neues Passwort wählen können. Der Link ist eine Stunde gültig.
forgot-no-email = Nach einigen Minuten keine E-Mail? Sehen Sie in Ihrem Spam-Ordner nach, oder
forgot-try-again = versuchen Sie es erneut
forgot-lead = Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden, und wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.
forgot-submit = Link zum Zurücksetzen senden
forgot-back = Zurück zur Anmeldung
reset-title = Neues Passwort wählen
reset-lead = Beim Speichern werden Sie auf allen anderen Geräten abgemeldet.
reset-password = Neues Passwort
reset-submit = Passwort speichern und anmelden
link-invalid-title = Link abgelaufen
link-invalid-heading = Dieser Link funktioniert nicht mehr
link-invalid-reset = Dieser Link zum Zurücksetzen des Passworts ist abgelaufen oder wurde bereits verwendet.
link-invalid-reset-retry = Neuen Link anfordern
link-invalid-confirmation = Dieser Bestätigungslink ist abgelaufen oder wurde bereits verwendet.
link-invalid-confirmation-retry = Neuen Link über Ihre Kontoseite senden
link-invalid-email-change = Dieser Link zur Änderung der E-Mail-Adresse ist abgelaufen oder wurde bereits verwendet.
link-invalid-email-change-retry = Neuen Link über Ihre Kontoseite anfordern
invitation-join = { $workspace } beitreten
invitation-invited-before = Sie sind eingeladen, Kundenanfragen in
invitation-invited-as-admin = auf Parlor als Admin zu beantworten.
invitation-invited-as-agent = auf Parlor als Agent zu beantworten.
invitation-for = Die Einladung gilt für
invitation-signed-in-as = Sie sind angemeldet als { $email }.
invitation-password = Passwort wählen
invitation-submit = Konto erstellen und beitreten
invitation-sign-in = Anmelden, um beizutreten
email-change-confirm-title = Neue E-Mail-Adresse bestätigen
email-change-changed-title = E-Mail-Adresse geändert
email-change-taken-title = Adresse bereits vergeben
email-change-confirm-before = Soll
email-change-confirm-after = die Adresse Ihres Parlor-Kontos werden? Sie melden sich dann damit an, und die E-Mails von Parlor gehen dorthin.
email-change-confirm-submit = Diese Adresse verwenden
email-change-changed-heading = Ihre E-Mail-Adresse ist geändert
email-change-changed-before = Ihr Parlor-Konto verwendet jetzt
email-change-changed-after = Melden Sie sich ab sofort damit an.
email-change-taken-heading = Diese Adresse ist bereits vergeben
email-change-taken-before = Ein anderes Parlor-Konto verwendet jetzt
email-change-taken-after = inzwischen, daher behält Ihr Konto seine Adresse: Es hat sich nichts geändert. Sie können auf Ihrer Kontoseite eine Änderung zu einer anderen Adresse anfordern.
email-change-account-link = Zu Ihrer Kontoseite

## Meldungen von Formularen und Fehlern

error-name-empty = Geben Sie Ihren Namen ein.
error-name-invitation = Geben Sie Ihren Namen ein (höchstens 100 Zeichen).
error-email-empty = Geben Sie Ihre E-Mail-Adresse ein.
error-email-invalid = Geben Sie eine gültige E-Mail-Adresse ein, etwa name@firma.de.
error-email-taken = Ein anderes Parlor-Konto verwendet diese Adresse.
error-signup-taken = Es gibt bereits ein Konto mit dieser E-Mail-Adresse. Melden Sie sich an, oder setzen Sie Ihr Passwort zurück.
error-workspace-name-empty = Geben Sie einen Namen für den Arbeitsbereich ein.
error-login-empty = Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.
error-login-wrong = E-Mail-Adresse oder Passwort ist falsch.
error-sign-in-required = Bitte melden Sie sich an, um fortzufahren.
error-not-found = Diese Seite existiert nicht, oder Sie haben keinen Zugriff darauf.
error-rate-limited = Zu viele Versuche. Bitte warten Sie eine Weile und versuchen Sie es erneut.
error-payload-too-large = Die Anfrage ist zu groß.
error-unavailable = Der Dienst ist gerade nicht verfügbar. Bitte versuchen Sie es in Kürze erneut.
error-internal = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es erneut.
error-method-not-allowed = Diese Adresse nimmt diese Art von Anfrage nicht an.
error-bad-request = Die Anfrage konnte nicht verarbeitet werden.
error-at-most-chars = Verwenden Sie höchstens { $count } Zeichen.
error-at-least-chars = Verwenden Sie mindestens { $count } Zeichen.
error-page-dashboard = Zu Ihrem Dashboard
error-page-request-id = Fehler { $status } · Anfrage-ID
error-title-400 = Ungültige Anfrage
error-title-403 = Zugriff verweigert
error-title-404 = Nicht gefunden
error-title-405 = Methode nicht erlaubt
error-title-409 = Konflikt
error-title-410 = Nicht mehr verfügbar
error-title-413 = Anfrage zu groß
error-title-422 = Eingabe nicht verarbeitbar
error-title-429 = Zu viele Anfragen
error-title-500 = Interner Fehler
error-title-503 = Dienst nicht verfügbar

## Die Startseite

landing-title = Kundensupport-Chat
landing-heading = Sprechen Sie live mit Ihren Kunden.
landing-lead = Fügen Sie ein Script-Tag in Ihre Website ein, und Ihre Besucher bekommen einen Chat. Ihr Team antwortet ihnen aus einem gemeinsamen Posteingang.
landing-open = Zu Ihrem Dashboard

## Konto

account-title = Konto
account-profile = Profil
account-name = Name
account-name-hint = Teammitglieder sehen ihn im Posteingang, Besucher neben Ihren Antworten.
account-name-save = Namen speichern
account-avatar = Avatar
account-avatar-alt = Ihr Avatar
account-avatar-shown = Teammitglieder sehen ihn in der Konsole, Besucher im Chat neben Ihren Antworten.
account-avatar-none = Noch kein Avatar: Teammitglieder und Besucher sehen stattdessen Ihre Initialen.
account-avatar-new-picture = Neues Bild
account-avatar-picture = Bild
account-avatar-hint = PNG, JPEG, GIF oder WebP, höchstens { $max }. Parlor behält davon ein Quadrat
account-avatar-hint-middle = aus der Mitte
account-avatar-hint-size = , mit 256 × 256 Pixeln.
account-crop-hint = Ziehen Sie den Kreis, um den sichtbaren Ausschnitt zu wählen, oder wählen Sie ihn aus und verwenden Sie die Pfeiltasten.
account-crop-picture = Das gewählte Bild
account-crop-part = Der Ausschnitt, der bleibt
account-crop-size = Größe des Ausschnitts
account-avatar-upload = Avatar hochladen
account-avatar-remove-confirm = Avatar entfernen? An seiner Stelle erscheinen Ihre Initialen.
account-avatar-remove = Avatar entfernen
account-email-confirmed = Bestätigt
account-email-unconfirmed = Nicht bestätigt
account-email-hint = Sie melden sich damit an, und die E-Mails von Parlor gehen dorthin.
account-email-waiting = Wartet auf Bestätigung:
account-email-waiting-until = Die Änderung erfolgt, wenn der dorthin gesendete Link vor { $expires } geöffnet wird; bis dahin behalten Sie Ihre aktuelle Adresse.
account-email-cancel = Änderung abbrechen
account-email-new = Neue E-Mail-Adresse
account-email-new-hint = Wir senden einen Link an die neue Adresse; Ihre Adresse ändert sich, wenn er geöffnet wird (innerhalb von 24 Stunden).
account-email-new-replaces = Dies ersetzt die oben wartende Änderung.
account-current-password = Aktuelles Passwort
account-email-change = E-Mail-Adresse ändern
account-password-change = Passwort ändern
account-time-zone = Zeitzone
account-time-zone-hint = Ein Name wie Europe/Berlin oder America/New_York. Lassen Sie das Feld leer, um die Zeitzone Ihres Browsers zu verwenden.
account-time-zone-save = Zeitzone speichern
account-language = Sprache
account-language-hint = Die Konsole und die E-Mails von Parlor an Sie verwenden diese Sprache.
account-language-save = Sprache speichern
account-language-invalid = Wählen Sie eine der Sprachen aus der Liste.
account-sessions = Wo Sie angemeldet sind
account-sessions-caption = Angemeldete Geräte
account-device = Gerät
account-ip = IP-Adresse
account-signed-in = Angemeldet
account-last-active = Zuletzt aktiv
account-action = Aktion
account-this-device = Dieses Gerät
account-sign-out-everywhere = Überall abmelden

## Gesprächsstatus und Rollen

status-open = Offen
status-pending = Wartend
status-snoozed = Zurückgestellt
status-resolved = Erledigt
status-open-word = offenen
status-pending-word = wartenden
status-snoozed-word = zurückgestellten
status-resolved-word = erledigten
role-owner = Inhaber
role-admin = Admin
role-agent = Agent

## Posteingang

inbox-my-status = Ihr Status
inbox-online = Online
inbox-away = Abwesend
inbox-search = Nachrichten und Kontakte durchsuchen
inbox-views = Ansichten
inbox-view-mine = Meine
inbox-view-unassigned = Nicht zugewiesen
inbox-view-all = Alle
inbox-status = Status
inbox-label = Label
inbox-label-any = Beliebig
inbox-show = Anzeigen
inbox-conversations = Gespräche
inbox-empty-label = Keine { $status } Gespräche mit dem Label „{ $label }“ in dieser Ansicht.
inbox-empty-every-label = Alle Labels anzeigen
inbox-empty = Keine { $status } Gespräche in dieser Ansicht. Neue Chats von Ihrer Website erscheinen hier, sobald sie eintreffen.
inbox-older = Ältere Gespräche
inbox-shortcuts-press = Drücken Sie
inbox-shortcuts-for = für Tastenkürzel.
inbox-snoozed-until = bis { $until }
inbox-assignee = Zuständig
inbox-you = (Sie)
inbox-assign = Zuweisen
inbox-assign-me = Mir zuweisen
inbox-reopen = Wieder öffnen
inbox-resolve = Erledigen
inbox-mark-pending = Als wartend markieren
inbox-snooze = Zurückstellen
inbox-snooze-for = Zurückstellen für
inbox-snooze-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}
inbox-snooze-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tage
}
inbox-snooze-weeks = { $count ->
    [one] { $count } Woche
   *[other] { $count } Wochen
}
inbox-snooze-until = Bis…
inbox-snooze-until-label = Bis (für „Bis…“)
inbox-messages-with = Nachrichten mit { $name }
inbox-load-older = Ältere Nachrichten laden
inbox-no-messages = Noch keine Nachrichten.
inbox-reply = Antwort
inbox-canned = Textvorlagen
inbox-files-to-send = Zu sendende Dateien
inbox-attach = Datei anhängen
inbox-internal-note = Interne Notiz (nur Ihr Team sieht sie)
inbox-send = Senden
inbox-composer-hint = Eingabe sendet, Umschalt+Eingabe fügt eine Zeile ein, / fügt eine Textvorlage ein.
inbox-attach-hint = Ziehen Sie Dateien hierher oder fügen Sie sie ein, um sie anzuhängen, je bis zu { $max }.
inbox-contact = Kontakt
inbox-view-contact = Kontakt ansehen
inbox-online-now = Jetzt online
inbox-offline = Offline
inbox-blocked = Blockiert
inbox-blocked-by = von { $name }, { $when }.
inbox-blocked-by-former = von einem ehemaligen Mitglied, { $when }.
inbox-blocked-hint = Der Chat wurde geschlossen; die Person kann keinen neuen beginnen und keine Nachrichten senden. Antworten an sie werden abgelehnt; interne Notizen funktionieren weiterhin.
inbox-unblock = Blockierung aufheben
inbox-unblock-admins = Nur Inhaber und Admins können die Blockierung eines Kontakts aufheben.
inbox-identity-before = Identität nicht bestätigt: Die Seite dieses Besuchers gibt an, er sei der Benutzer
inbox-identity-after = , ohne die Signatur Ihrer Website. Name und E-Mail-Adresse sind unbestätigt, und er sieht nur seine eigenen Gespräche.
inbox-save-contact = Kontakt speichern
inbox-current-page = Aktuelle Seite
inbox-came-from = Kam von
inbox-browser = Browser
inbox-system = System
inbox-user-id = Benutzer-ID
inbox-unverified-title = Die Seite hat dies ohne die Signatur Ihrer Website (user_hash) angegeben
inbox-unverified = unbestätigt
inbox-verified = bestätigt
inbox-first-seen = Zuerst gesehen
inbox-rating = Bewertung
inbox-rated = Bewertet mit { $score } von 5
inbox-not-rated = Noch nicht bewertet.
inbox-attributes = Attribute
inbox-files = Dateien
inbox-no-files = Noch keine Dateien.
inbox-past = Frühere Gespräche
inbox-past-none = Keine vor diesem.
inbox-past-messages = { $count ->
    [one] { $count } Nachricht
   *[other] { $count } Nachrichten
}
inbox-block = Blockieren
inbox-block-name = { $name } blockieren
inbox-block-hint = Der Chat wird sofort geschlossen; die Person kann keinen neuen beginnen und keine Nachrichten senden, bis ein Inhaber oder Admin die Blockierung aufhebt.
inbox-block-confirm = { $name } blockieren? Der Chat wird geschlossen, und die Person kann nicht mehr schreiben, bis ein Inhaber oder Admin die Blockierung aufhebt.
inbox-block-contact = Kontakt blockieren
inbox-none-open-empty = Wenn Besucher von Ihrer Website schreiben, erscheinen ihre Gespräche live links.
inbox-none-open = Wählen Sie links ein Gespräch, oder drücken Sie
inbox-shortcuts = Tastenkürzel
inbox-shortcut-next = Nächstes / vorheriges Gespräch
inbox-shortcut-resolve = Erledigen (oder wieder öffnen)
inbox-add-label = Label hinzufügen
inbox-shortcut-in-reply = in einer Antwort
inbox-shortcut-canned = Textvorlage einfügen
inbox-shortcut-help = Diese Hilfe
inbox-notify-on = Desktop-Benachrichtigungen einschalten
inbox-notify-choose = Benachrichtigungen auswählen
inbox-close = Schließen
inbox-row-online = (online)
inbox-row-unread = { $count } ungelesen
inbox-row-labels = Labels:
inbox-row-assigned = Zugewiesen an { $name }
inbox-note-tag = Interne Notiz
inbox-view-original-email = Original-E-Mail ansehen
inbox-labels = Labels
inbox-no-labels = Keine Labels
inbox-label-remove = { $name } entfernen
inbox-label-remove-full = Label { $name } entfernen
inbox-labels-none-defined = Noch keine Labels: Admins legen sie an unter
inbox-labels-settings = Einstellungen, Labels
inbox-add = Hinzufügen

## Erste Schritte

home-welcome = Willkommen bei Parlor, { $name }!
home-get-started = Erste Schritte mit { $workspace }
home-install = Den Chat auf Ihrer Website einbauen
home-install-text = Fügen Sie dieses Tag in den HTML-Code jeder Seite ein, auf der Besucher chatten können sollen, direkt vor
home-team = Ihr Team einladen
home-team-before = Auf der Seite
home-team-after = sehen Sie, wer in diesem Arbeitsbereich ist.
home-answer = Ihren Kunden antworten
home-answer-before = Gespräche kommen an im
snippet-label = Einbau-Snippet
snippet-copy = Snippet kopieren

## Kontakte

contacts-search-label = Nach Name, E-Mail-Adresse oder Benutzer-ID suchen
contacts-search = Suchen
contacts-clear = Zurücksetzen
contacts-no-match = Kein Kontakt passt zu „{ $query }“. Die Suche findet ganze Wörter: einen Namen, eine E-Mail-Adresse oder einen Teil davon („ada“ findet ada@example.com), eine Benutzer-ID.
contacts-no-older = Keine älteren Kontakte.
contacts-back-newest = Zurück zu den neuesten
contacts-none = Noch keine Kontakte
contacts-none-text = Personen erscheinen hier, die zuletzt gesehenen zuerst, sobald sie Ihnen über den Chat auf Ihrer Website schreiben oder Ihre Website Parlor mitteilt, wer sie sind (Name, E-Mail-Adresse oder Benutzer-ID).
contacts-install = Installieren Sie das Widget
contacts-install-after = – sofern noch nicht geschehen.
contacts-caption = Personen, zuletzt gesehene zuerst
contacts-caption-matching = Personen passend zu „{ $query }“, zuletzt gesehene zuerst
contacts-last-seen = Zuletzt gesehen
contacts-no-name = (kein Name angegeben)
contacts-none-given = keine
contacts-older = Ältere Kontakte

## Team

team-caption = Personen in diesem Arbeitsbereich
team-role = Rolle
team-actions = Aktionen
team-role-of = Rolle von { $name }
team-change-role = Rolle ändern
team-of-name = von { $name }
team-make-owner-confirm = Den Arbeitsbereich an { $name } übergeben? Sie werden Admin.
team-make-owner = Zum Inhaber machen
team-remove-confirm = { $name } entfernen? Die Person wird sofort abgemeldet.
team-remove = Entfernen
team-invite = Teammitglied einladen
team-seats = { $count ->
    [one] von { $count } Platz belegt (Mitglieder und offene Einladungen).
   *[other] von { $count } Plätzen belegt (Mitglieder und offene Einladungen).
}
team-seats-add = Fügen Sie unter Abrechnung Plätze hinzu
team-seats-add-after = und laden Sie weitere ein.
team-seats-ask = Bitten Sie den Inhaber des Arbeitsbereichs, Plätze hinzuzufügen.
team-invite-agent = Agent: beantwortet Gespräche
team-invite-admin = Admin: verwaltet zusätzlich das Team und das Widget
team-invite-button = Einladung senden
team-waiting = Warten auf Antwort
team-waiting-none = Keine Einladung wartet.
team-revoke = Zurückziehen
team-revoke-of = die Einladung an { $email }
team-leave-heading = Diesen Arbeitsbereich verlassen
team-leave-confirm = { $workspace } verlassen?
team-leave = { $workspace } verlassen

## Einstellungen

settings-name = Name des Arbeitsbereichs
settings-save = Speichern
settings-name-short = Name:
settings-name-admins = Nur Inhaber und Admins können ihn ändern.
settings-site-key = Site-Schlüssel
settings-workspace-id = Arbeitsbereich-ID
settings-api-keys = API-Schlüssel
settings-api-text = Verbinden Sie andere Systeme über die REST-API.
settings-api-manage = API-Schlüssel verwalten
settings-notifications = Ihre Benachrichtigungen
settings-notifications-text = Desktop-Benachrichtigungen, Töne und E-Mails für neue Gespräche, Ihnen zugewiesene Gespräche und Besucher, die darin schreiben.
settings-notifications-choose = Benachrichtigungen auswählen
settings-admin = Verwaltung des Arbeitsbereichs
settings-assignment = Automatische Zuweisung
settings-assignment-text = neue Gespräche reihum an verfügbare Agenten vergeben, bis zu einer Grenze je Agent.
settings-availability = Geschäftszeiten und E-Mail-Nachverfolgung
settings-availability-text = wann Sie antworten, die Offline-Nachricht, wann ungesehene Antworten per E-Mail gehen.
settings-labels-text = die Namen, nach denen Ihr Team Gespräche sortiert, und ihre Farben.
settings-attributes = Kontaktattribute
settings-attributes-text = was Ihr Team zu jedem Kontakt festhält (ein Tarif, ein Verlängerungsdatum), mit Typ.
settings-webhooks = Webhooks
settings-webhooks-text = Gesprächs- und Nachrichtenereignisse signiert an Ihre Systeme senden.
settings-privacy = Daten und Datenschutz
settings-privacy-text = Aufbewahrung, Exporte, Löschen des Arbeitsbereichs.
settings-audit = Audit-Protokoll
settings-audit-text = wer was wann geändert hat.
settings-canned-before = Gespeicherte Antworten, die Ihr Team einfügt, indem es
settings-canned-after = in einer Antwort tippt.
settings-canned-manage = Textvorlagen verwalten
new-workspace-text = Ein Arbeitsbereich ist eine Website oder Marke mit eigenem Widget, Posteingang und Team. Sie werden sein Inhaber.
search-no-match = Nichts passt zu „{ $query }“. Die Suche findet ganze Wörter in Nachrichten, Namen und E-Mail-Adressen.
search-results = Ergebnisse
search-message = Nachricht
search-back = Zurück zum Posteingang

## Automatische Zuweisung und Geschäftszeiten

assignment-now = Im Moment
assignment-none-available = Kein Agent ist verfügbar: Niemand hat den Posteingang geöffnet, oder alle sind abwesend.
assignment-available = { $count ->
    [one] { $count } Agent ist verfügbar.
   *[other] { $count } Agenten sind verfügbar.
}
assignment-none-waiting = Kein offenes Gespräch wartet ohne Zuweisung.
assignment-waiting = { $count ->
    [one] { $count } offenes Gespräch ist nicht zugewiesen.
   *[other] { $count } offene Gespräche sind nicht zugewiesen.
}
assignment-who = Wer neue Gespräche beantwortet
assignment-legend = Neue Gespräche zuweisen
assignment-mode-manual = Aus: Agenten wählen Gespräche selbst
assignment-mode-round-robin = Reihum unter verfügbaren Agenten
assignment-mode-hint = Reihum vergibt jedes neue Gespräch sofort an den verfügbaren Agenten (Posteingang offen, nicht abwesend), der am längsten auf eines gewartet hat, und überspringt Agenten an ihrer Grenze. Kann es niemand übernehmen, wartet es ohne Zuweisung; wartende Gespräche gehen, die ältesten zuerst, an den nächsten Agenten, der online kommt, verfügbar wird oder unter seine Grenze fällt. Ein Gespräch, das der Besucher wieder öffnet, während sein Agent offline oder abwesend ist, geht an jemanden, der verfügbar ist.
assignment-limit = Höchstens offene Gespräche je Agent
assignment-limit-hint = Von 1 bis 100. Zählt die offenen Gespräche des Agenten, wie auch immer sie zugewiesen wurden; Agenten können von Hand weitere übernehmen.
availability-hours = Geschäftszeiten
availability-title = Geschäftszeiten und Nachverfolgung
availability-errors = Es wurde nichts gespeichert. Bitte korrigieren Sie:
availability-hours-hint = Außerhalb dieser Zeiten meldet das Widget Sie als abwesend, zeigt Ihre Offline-Nachricht und fragt Besucher nach ihrer E-Mail-Adresse; ihre Nachrichten gehen sofort per E-Mail an Ihr Team. Im Moment ist bei Ihnen
availability-open-now = geöffnet
availability-closed-now = geschlossen
availability-enabled = Geschäftszeiten verwenden (aus: immer geöffnet)
availability-zone-hint = Ein Name wie Europe/Berlin oder America/New_York.
availability-caption = Öffnungszeiten in dieser Zeitzone
availability-day = Tag
availability-open = Geöffnet
availability-from = Von
availability-until = Bis
availability-open-on = Geöffnet am { $day }
availability-opens-at = { $day } öffnet um
availability-closes-at = { $day } schließt um
availability-offline = Offline-Nachricht
availability-offline-hint = Wird im Widget gezeigt, wenn Sie geschlossen haben oder kein Agent online ist.
availability-follow-up = E-Mail-Nachverfolgung
availability-follow-up-hint = Hat ein Besucher, der seine E-Mail-Adresse hinterlassen hat, die Antwort eines Agenten nicht gesehen, geht sie ihm einmal per E-Mail zu, zusammen mit weiteren, die inzwischen gesendet wurden. Besuchernachrichten, die in dieser Zeit niemand liest, gehen per E-Mail an Ihr Team (an die zuständige Person oder an alle).
availability-wait = Wartezeit vor der E-Mail (Minuten)
day-monday = Montag
day-tuesday = Dienstag
day-wednesday = Mittwoch
day-thursday = Donnerstag
day-friday = Freitag
day-saturday = Samstag
day-sunday = Sonntag

## Ein Kontakt

contact-blocked-since = seit { $since }: Der Chat ist geschlossen, und die Person kann keinen neuen beginnen. Heben Sie die Blockierung im Kontaktbereich eines ihrer Gespräche auf.
contact-identity-after = , ohne die Signatur Ihrer Website. Name und E-Mail-Adresse sind unbestätigt.
contact-details = Details
contact-merge = Mit einem anderen Kontakt zusammenführen…
contact-no-conversations = { $name } hat noch nicht geschrieben. Die Gespräche erscheinen hier, die neuesten zuerst, sobald es so weit ist.
contact-messages = { $count ->
    [one] { $count } Nachricht
   *[other] { $count } Nachrichten
}
privacy-heading = Datenschutz
privacy-export-contact = Daten dieses Kontakts exportieren (JSON)
privacy-delete-contact-confirm = { $name } mit allen Gesprächen und Nachrichten löschen? Das lässt sich nicht rückgängig machen.
privacy-delete-contact = Kontakt und Nachrichten löschen
attributes-none = Es sind noch keine Kontaktattribute definiert.
attributes-define = Definieren Sie Attribute
attributes-define-after = { " " }wie einen Tarif oder ein Verlängerungsdatum, und Ihr Team füllt sie hier aus.
attributes-admins = Inhaber und Admins definieren sie in den Einstellungen.
attributes-refused = Es wurde nichts gespeichert: Korrigieren Sie die unten markierten Felder.
attributes-not-set = Nicht gesetzt
attributes-not-an-option = (keine Option)
attributes-misfit = Gespeichert, bevor dieses Attribut definiert wurde: Der Wert bleibt, bis Sie ihn ändern.
attributes-misfit-option = Gespeichert, bevor dieses Attribut definiert oder seine Option entfernt wurde: Der Wert bleibt, bis Sie ihn ändern.
attributes-empty-clears = Lassen Sie ein Feld leer, um es zu löschen.
attributes-save = Attribute speichern
attributes-other = Weitere Attribute
attributes-other-hint = von Ihrer Website gesendet, nicht in den Einstellungen definiert

## Labels, Textvorlagen, Benachrichtigungen

labels-intro-before = Labels ordnen Ihre Gespräche: „Abrechnung“, „Fehler“, „VIP“. Agenten bringen sie im Posteingang an einem Gespräch an (oder drücken
labels-intro-after = ), und der Posteingang zeigt nur die Gespräche eines Labels, wenn Sie es im Label-Filter der Liste wählen.
labels-new = Neues Label
labels-at-most = Dieser Arbeitsbereich hat { $max } Labels, die Höchstzahl. Löschen Sie eines, um ein weiteres hinzuzufügen.
labels-colour = Farbe
labels-add = Label hinzufügen
labels-count = { $count } von { $max }
labels-none = Noch keine Labels. Fügen Sie oben das erste hinzu: einen Namen, den Ihr Team auf einen Blick erkennt.
labels-name-of = Name von { $name }
labels-colour-of = Farbe von { $name }
labels-delete-confirm = Das Label „{ $name }“ löschen? Es wird von allen Gesprächen entfernt, die es tragen.
labels-delete = Löschen
canned-intro-before = Gespeicherte Antworten auf die Fragen, die Sie jeden Tag beantworten. Tippen Sie in einer Antwort
canned-intro-after = und das Kürzel, um eine einzufügen.
canned-new = Neue Textvorlage
canned-shortcut = Kürzel
canned-save = Textvorlage speichern
canned-saved = Gespeichert
canned-none = Noch keine. Fügen Sie die Antworten hinzu, die Sie am häufigsten tippen.
canned-edit = Bearbeiten
canned-save-changes = Änderungen speichern
canned-cancel = Abbrechen
canned-delete-confirm = /{ $shortcut } löschen?
notifications-title = Benachrichtigungen
notifications-intro = Wie Parlor Ihnen mitteilt, was in { $workspace } geschieht. Diese Einstellungen gelten nur für Sie und nur für diesen Arbeitsbereich.
notifications-when = Benachrichtigen, wenn
notifications-caption = Benachrichtigungen je Ereignis: Desktop, Ton und E-Mail
notifications-event = Ereignis
notifications-save = Benachrichtigungen speichern
notifications-desktop = Desktop-Benachrichtigungen und Töne
notifications-desktop-text = Sie kommen vom Posteingang, solange er in einem Tab geöffnet ist, nie für Ihre eigenen Nachrichten und nicht für das Gespräch, das Sie gerade ansehen. Desktop-Benachrichtigungen brauchen außerdem die Erlaubnis dieses Browsers.
notifications-allow = Desktop-Benachrichtigungen erlauben
notifications-team-email = Besuchernachrichten, die niemand rechtzeitig liest oder die außerhalb der Geschäftszeiten eintreffen, gehen unabhängig von Ihrer Wahl hier per E-Mail an das Team (siehe Geschäftszeiten und Nachverfolgung).
inbox-js-typing-one = { $name } tippt…
inbox-js-typing-many = { $names } tippen…
inbox-js-viewing-one = { $name } sieht sich dieses Gespräch ebenfalls an.
inbox-js-viewing-many = { $names } sehen sich dieses Gespräch ebenfalls an.
inbox-js-new-conversation = Neues Gespräch: { $name }
inbox-js-by-auto = Durch automatische Zuweisung
inbox-js-by = Von { $name }
inbox-js-assigned = Ihnen wurde ein Gespräch zugewiesen
inbox-js-notify-on = Desktop-Benachrichtigungen sind eingeschaltet
inbox-js-notify-blocked = Benachrichtigungen sind in diesem Browser blockiert
inbox-js-not-sent = Nicht gesendet: { $reason }
inbox-js-offline = Offline: Ihre Antwort wird gesendet, sobald die Verbindung wieder steht.
inbox-js-still-uploading = Ihre Dateien werden noch hochgeladen: Senden Sie, sobald sie bereit sind.
inbox-js-upload-failed-some = Einige Dateien wurden nicht hochgeladen: Versuchen Sie es erneut oder entfernen Sie sie zuerst.
inbox-js-sending = Wird gesendet…
inbox-js-too-many-files-one = Höchstens 10 Dateien gehen mit einer Nachricht: { $count } wurde weggelassen.
inbox-js-too-many-files-many = Höchstens 10 Dateien gehen mit einer Nachricht: { $count } wurden weggelassen.
inbox-js-file-empty = Diese Datei ist leer.
inbox-js-file-too-large = Diese Datei ist größer als { $max }.
inbox-js-upload-failed-status = Das Hochladen ist fehlgeschlagen ({ $status }).
inbox-js-upload-failed-connection = Das Hochladen ist fehlgeschlagen: Die Verbindung ging verloren.
inbox-js-upload-of = Hochladen von { $name }
inbox-js-retry = Erneut versuchen
inbox-js-ready = Bereit
inbox-js-uploading = Wird hochgeladen… { $percent } %
inbox-js-canned-no-match = Keine Textvorlage passt zu /{ $query }.
inbox-js-canned-none = Noch keine Textvorlagen: Legen Sie sie in den Einstellungen an.

## API-Schlüssel, Audit-Protokoll, Daten und Datenschutz

api-keys-intro-before = Andere Systeme verwenden die REST-API unter
api-keys-intro-header = mit einem Schlüssel im Header
api-keys-intro-after = Ein Schlüssel handelt in Ihrem Namen, innerhalb seiner Berechtigungen, für jedes Gespräch dieses Arbeitsbereichs: Bewahren Sie ihn auf einem Server auf, und geben Sie ihm nur die Berechtigungen, die er braucht.
api-keys-new = Ihr neuer Schlüssel
api-keys-copy-now = Kopieren Sie ihn jetzt: Er wird nur dieses eine Mal angezeigt.
api-keys-key = API-Schlüssel
api-keys-copy = Schlüssel kopieren
api-keys-create-heading = Schlüssel erstellen
api-keys-scopes = Berechtigungen
api-keys-read = Lesen
api-keys-read-text = Gespräche, Nachrichten und Kontakte
api-keys-write = Schreiben
api-keys-write-text = Nachrichten senden, Gespräche und Kontakte ändern
api-keys-admin-text = Personen einladen; funktioniert nur, solange Sie Inhaber oder Admin sind
api-keys-create = Schlüssel erstellen
api-keys-keys = Schlüssel
api-keys-none = Noch keine Schlüssel.
api-keys-key-column = Schlüssel
api-keys-created = Erstellt
api-keys-last-used = Zuletzt verwendet
api-keys-revoke-confirm = { $name } widerrufen? Systeme, die ihn verwenden, funktionieren sofort nicht mehr.
audit-none = Noch nichts. Änderungen an Einstellungen, Team, API-Schlüsseln, Webhooks und Daten erscheinen hier.
audit-caption = Admin-Aktionen, neueste zuerst
audit-when = Wann
audit-who = Wer
audit-what = Was
audit-details = Details
audit-older = Ältere Ereignisse
privacy-retention = Aufbewahrung
privacy-retention-hint = Gespräche, die länger als so lange erledigt sind, werden einmal täglich mit ihren Nachrichten gelöscht. Kontakte bleiben. Lassen Sie das Feld leer, um alles zu behalten.
privacy-retention-days = Erledigte Gespräche löschen nach (Tagen)
privacy-retention-save = Aufbewahrung speichern
privacy-export = Export
privacy-export-text = Laden Sie alle Daten dieses Arbeitsbereichs herunter: Mitglieder, Widget-Einstellungen, Textvorlagen, Webhook-Endpunkte, Kontakte, Gespräche, Nachrichten und das Audit-Protokoll, als JSON-Zeilen. Geheimnisse bleiben außen vor.
privacy-export-all = Alle Daten exportieren
privacy-export-one = Um die Daten einer Person zu exportieren oder zu löschen, öffnen Sie eines ihrer Gespräche im Posteingang und verwenden Sie den Kontaktbereich.
privacy-audit-text = Wer Einstellungen, Team, Schlüssel, Webhooks und Daten wann geändert hat.
privacy-audit-open = Audit-Protokoll öffnen
privacy-delete = Diesen Arbeitsbereich löschen
privacy-delete-text = Löscht den Arbeitsbereich mit allen Gesprächen, Kontakten und Einstellungen, sofort und endgültig. Das Widget funktioniert auf Ihrer Website nicht mehr.
privacy-delete-type = Geben Sie
privacy-delete-type-after = zur Bestätigung ein
privacy-delete-button = Arbeitsbereich endgültig löschen
privacy-delete-owner = Nur der Inhaber des Arbeitsbereichs kann ihn löschen.
webhooks-intro = Parlor sendet jedes gewählte Ereignis per POST an Ihren Endpunkt, signiert mit dem Geheimnis des Endpunkts, und wiederholt fehlgeschlagene Zustellungen 24 Stunden lang. Wie Sie eine Zustellung prüfen, steht unter „Webhooks“ in der API-Dokumentation
webhooks-endpoints = Endpunkte
webhooks-none = Noch kein Endpunkt. Fügen Sie unten einen hinzu, um Ereignisse zu empfangen.
webhooks-caption = Webhook-Endpunkte
webhooks-events = Ereignisse
webhooks-state = Zustand
webhooks-active = Aktiv
webhooks-paused = Pausiert
webhooks-add-heading = Endpunkt hinzufügen
webhooks-url = Endpunkt-URL
webhooks-add = Endpunkt hinzufügen

## Abrechnung

billing-failed = Ihre letzte Zahlung ist fehlgeschlagen.
billing-failed-text = Stripe versucht es erneut; aktualisieren Sie Ihre Zahlungsmethode, damit Ihr Team seine Plätze behält.
billing-update-payment = Zahlungsmethode aktualisieren
billing-plan = Tarif: { $plan }
billing-trialing = Kostenlose Testphase
billing-past-due = Zahlung überfällig
billing-price = Preis
billing-trial-ends = Testphase endet
billing-ends-on = Endet am
billing-renews-on = Verlängert sich am
billing-seats = Plätze
billing-seats-hint = (Mitglieder und offene Einladungen)
billing-this-month = Dieser Monat
billing-conversations-month = Gespräche in diesem Monat
billing-storage = Dateispeicher
billing-storage-hint = (in Gesprächen gesendete Dateien)
billing-storage-used = Belegter Dateispeicher
billing-cancel-hint = Das Abonnement endet mit Ablauf des Zeitraums; der Arbeitsbereich kehrt dann zum Free-Tarif zurück und behält alle seine Daten.
billing-portal = Zahlungsmethoden, Rechnungen und Plätze verwalten
billing-portal-hint = Öffnet das Kundenportal von Stripe; danach kommen Sie hierher zurück.
billing-upgrade = Tarif wechseln
billing-plan-legend = Tarif
billing-seats-field-hint = Einer pro Mitglied, einschließlich offener Einladungen (derzeit { $used }).
billing-start-trial = Kostenlose Testphase starten
billing-continue = Weiter zur Zahlung
copy-done = In die Zwischenablage kopiert.
copy-by-hand = Drücken Sie Strg+C (⌘C auf dem Mac), um zu kopieren.
notifications-granted = Dieser Browser zeigt Desktop-Benachrichtigungen.
notifications-denied = Dieser Browser blockiert Desktop-Benachrichtigungen von Parlor: Erlauben Sie sie in seinen Website-Einstellungen.
notifications-unsupported = Dieser Browser kann keine Desktop-Benachrichtigungen zeigen; Töne werden weiterhin abgespielt.
account-avatar-too-large = Dieses Bild ist größer als { $max }. Wählen Sie ein kleineres.
notify-event-new-conversation = Ein Besucher beginnt ein neues Gespräch
notify-event-assigned = Mir wird ein Gespräch zugewiesen
notify-event-new-message = Ein Besucher schreibt in einem mir zugewiesenen Gespräch
notify-hint-new-conversation = E-Mail: höchstens eine pro Minute; inzwischen begonnene Gespräche kommen gesammelt.
notify-hint-assigned = Durch ein Teammitglied oder die automatische Zuweisung; nicht, wenn Sie es selbst übernehmen.
notify-hint-new-message = E-Mail: nur, solange Sie offline oder abwesend sind, höchstens eine pro Gespräch alle 10 Minuten.
notify-channel-desktop = Desktop
notify-channel-sound = Ton
canned-placeholders = Platzhalter, die beim Einfügen der Antwort ausgefüllt werden:
canned-placeholder-contact-name = (der Name des Kontakts oder der Name, den der Posteingang ihm gibt)
canned-placeholder-contact-email = (leer, wenn unbekannt)
canned-placeholder-agent-name = (Ihr Name)

## Kontakte zusammenführen

merge-kept = Bleibt erhalten
merge-merged = Wird übernommen, dann gelöscht
merge-title = { $name } zusammenführen
merge-confirm-heading = { $other } mit { $kept } zusammenführen?
merge-lead = Wenn dieselbe Person zweimal kam (etwa einmal anonym, einmal mit E-Mail-Adresse), macht das Zusammenführen daraus einen Kontakt mit allen Gesprächen.
merge-what-happens = Was passiert
merge-choose-another = Anderen Kontakt wählen
merge-nothing-to-move = { $name } hat kein Gespräch, das verschoben wird.
merge-moves = { $count ->
    [one] { $count } Gespräch von { $other } geht mit Nachrichten und Dateien an { $kept }: { $kept } hat dann { $total }.
   *[other] { $count } Gespräche von { $other } gehen mit Nachrichten und Dateien an { $kept }: { $kept } hat dann { $total }.
}
merge-keeps-place = { $kept } behält seinen Platz im Posteingang und in der API (seine ID)
merge-takes = { " " }und übernimmt von { $other }, was fehlt: { $filled }
merge-both-values = Wo beide einen Wert haben, bleibt der von { $kept }.
merge-attributes-added = { $count ->
    [one] { $count } Attribut von { $other } wird hinzugefügt
   *[other] { $count } Attribute von { $other } werden hinzugefügt
}
merge-attributes-left-out = { $count ->
    [one] { $count } wird weggelassen, da ein Kontakt höchstens 50 hat
   *[other] { $count } werden weggelassen, da ein Kontakt höchstens 50 hat
}
merge-blocked = { $name } ist blockiert, daher wird es auch der zusammengeführte Kontakt: Die Chatfenster beider schließen sich, und keiner kann einen neuen Chat beginnen, bis ein Inhaber oder Admin die Blockierung aufhebt.
merge-chat-carries-on = Hat { $other } den Chat geöffnet, geht er als { $kept } weiter, mit allen Gesprächen.
merge-then-deleted = { $name } wird danach gelöscht. Das lässt sich nicht rückgängig machen.
merge-into = Mit { $name } zusammenführen
merge-keep-instead = Stattdessen { $name } behalten
merge-heading = { $name } mit einem anderen Kontakt zusammenführen
merge-choose-lead = Wählen Sie den Kontakt, der mit { $name } zusammengeführt wird; { $name } bleibt mit den Gesprächen des anderen erhalten. Die nächste Seite zeigt beide nebeneinander, bevor sich etwas ändert.
merge-recent = Kürzlich gesehene Personen
merge-matching = Personen passend zu „{ $query }“
merge-no-one = Noch niemand zum Zusammenführen.
merge-no-match = Kein anderer Kontakt passt zu „{ $query }“. Die Suche findet ganze Wörter: einen Namen, eine E-Mail-Adresse oder einen Teil davon, eine Benutzer-ID.
merge-candidate-label = { $other } mit { $kept } zusammenführen
merge-conversations = { $count ->
    [one] { $count } Gespräch
   *[other] { $count } Gespräche
}
merge-last-seen = zuletzt gesehen
merge-at-most = Höchstens 50 werden angezeigt: Suchen Sie, um jemand anderen zu finden.

## Kontaktattribute

attributes-intro-before = Attribute sind, was Ihr Team über einen Kontakt über Name und E-Mail-Adresse hinaus weiß: ein Tarif, ein Unternehmen, ein Verlängerungsdatum. Jedes Mitglied füllt sie auf der Seite eines Kontakts und im Kontaktbereich des Posteingangs aus; Ihre Website setzt sie mit
attributes-intro-after = und andere Systeme über die REST-API, beide über den Schlüssel des Attributs.
attributes-new = Neues Attribut
attributes-at-most = Dieser Arbeitsbereich hat { $max } Attribute, die Höchstzahl. Löschen Sie eines, um ein weiteres hinzuzufügen.
attributes-optional = (optional)
attributes-key-placeholder = aus der Bezeichnung gebildet: plan
attributes-key-hint-before = So nennen ihn Ihre Website und die API. Bleibt das Feld leer, wird er aus der Bezeichnung gebildet („Plan tier“ wird zu
attributes-key-hint-after = ). Buchstaben, Ziffern, - und _; er lässt sich später nicht ändern.
attributes-type = Typ
attributes-options = Optionen
attributes-options-for-list = (für eine Liste)
attributes-options-hint = Eine pro Zeile: 1 bis { $max } Optionen mit je bis zu { $chars } Zeichen.
attributes-add = Attribut hinzufügen
attributes-none-yet = Noch keine Attribute. Fügen Sie oben das erste hinzu, etwa „Tarif“ als Liste Ihrer Tarife oder „Verlängerungsdatum“ als Datum.
attributes-options-edit-hint = Eine pro Zeile. Kontakte mit einer Option, die Sie entfernen, behalten sie, bis jemand sie ändert.
attributes-delete-title = { $label } löschen
attributes-delete-heading = „{ $label }“ löschen?
attributes-delete-what = Was das Löschen bewirkt
attributes-delete-the = Das Attribut
attributes-delete-goes = wird entfernt, und mit ihm sein Wert bei
attributes-delete-none = keinem Kontakt: Keiner hat einen.
attributes-delete-holders = { $count ->
    [one] { $count } Kontakt
   *[other] { $count } Kontakten
}
attributes-delete-undone = Das lässt sich nicht rückgängig machen.
attributes-delete-still-before = Sendet Ihre Website weiterhin
attributes-delete-still-after = , erscheinen neue Werte bei Kontakten unter „Weitere Attribute“, ohne Typ.
attributes-delete-button = Attribut und seine Werte löschen
type-text = Text
type-number = Zahl
type-date = Datum
type-boolean = Ja oder nein
type-list = Liste
webhook-title = Webhook-Endpunkt
webhook-secret = Signaturgeheimnis
webhook-headers = Header
webhook-active = Aktiv (pausierte Endpunkte erhalten nichts)
webhook-test = Testereignis senden
webhook-delete-confirm = Diesen Endpunkt löschen? Ab sofort gehen keine Ereignisse mehr an ihn.
webhook-delete = Endpunkt löschen
webhook-deliveries = Letzte Zustellungen
webhook-no-delivery = Noch keine Zustellung. Ereignisse erscheinen hier, sobald sie gesendet werden; probieren Sie „Testereignis senden“.
webhook-caption = Die letzten 50 Zustellungen, neueste zuerst
webhook-result = Ergebnis
webhook-response = Antwort
webhook-attempts = Versuche
webhook-delivered = Zugestellt
webhook-failed = Fehlgeschlagen
webhook-next-try = nächster Versuch { $when }

## Berichte

reports-own = Ihre eigenen Gespräche und Bewertungen.
reports-covers = Was der Bericht umfasst
reports-range = Zeitraum
reports-to = Bis
reports-everyone = Alle
reports-any-label = Beliebiges Label
reports-show = Bericht anzeigen
reports-days-in = Tage in { $zone }.
reports-business-hours = Zeiten zählen nur Geschäftszeiten ({ $hours }, { $zone }).
reports-every-hour = Zeiten zählen jede Stunde;
reports-set-hours = Geschäftszeiten legen Sie fest unter
reports-availability-link = Einstellungen → Verfügbarkeit
reports-admin-hours = ein Admin kann Geschäftszeiten unter Einstellungen → Verfügbarkeit festlegen
reports-summary = Übersicht
reports-started = Begonnene Gespräche
reports-median-first = Median der ersten Antwort
reports-satisfied-4-5 = Zufrieden (4 oder 5)
reports-ratings = { $count ->
    [one] { $count } Bewertung
   *[other] { $count } Bewertungen
}
reports-none = Keine Gespräche in diesem Zeitraum
reports-none-text = Im Zeitraum { $range } wurde nichts begonnen, erledigt oder bewertet
reports-for-filter = für diesen Filter
reports-longer = Wählen Sie einen längeren Zeitraum
reports-longer-admin = { " " }oder alle Agenten und beliebige Labels
reports-per-day = Gespräche pro Tag
reports-none-range = Keine Gespräche in diesem Zeitraum.
reports-per-day-caption = Begonnene, erledigte und noch offene Gespräche pro Tag
reports-col-started = Begonnen
reports-still-open = Noch offen
reports-total = Summe
reports-csv = CSV herunterladen
reports-csv-days = der Gespräche pro Tag
reports-response-times = Antwortzeiten
reports-none-answered = In diesem Zeitraum wurde kein Gespräch beantwortet oder erledigt.
reports-durations-caption = Zeiten bis zur ersten Antwort und bis zur Erledigung
reports-measure = Messgröße
reports-median = Median
reports-p90 = 90. Perzentil
reports-count = Anzahl
reports-csv-times = der Antwortzeiten
reports-csat = Kundenzufriedenheit
reports-no-ratings = Keine Bewertungen in diesem Zeitraum.
reports-by-score = Bewertungen nach Punktzahl
reports-rated-4-5 = { $percent } mit 4 oder 5 bewertet
reports-score = Punktzahl
reports-ratings-col = Bewertungen
reports-share = Anteil
reports-csv-ratings = der Bewertungen nach Punktzahl
reports-comments = Neueste Kommentare
reports-no-comments = Keine Bewertung in diesem Zeitraum enthielt einen Kommentar.
reports-open-conversation = Gespräch öffnen
reports-csv-comments = der neuesten Kommentare
reports-agents = Agenten
reports-your-figures = Ihre Zahlen
reports-no-agents = In diesem Zeitraum hat kein Agent geantwortet oder ein Gespräch zugewiesen bekommen.
reports-agents-caption = Gespräche, Antworten, Antwortzeiten und Bewertungen je Agent
reports-your-caption = Ihre Gespräche, Antworten, Antwortzeiten und Bewertungen
reports-replies = Antworten
reports-first-response-col = Erste Antwort (Median / 90.)
reports-resolution-col = Erledigung (Median / 90.)
reports-satisfied = Zufrieden
reports-replies-hint = Antworten werden je Agent beim Senden gezählt, nicht nach Label: Solange ein Label gewählt ist, zeigt die Spalte einen Strich.
reports-csv-agents = der Zahlen der Agenten
reports-busiest = Stoßzeiten
reports-busiest-hint = Begonnene Gespräche nach Wochentag und Stunde, in { $zone }.
reports-busiest-chart = Diagramm der Stoßzeiten, seitlich scrollbar
reports-busiest-table = Tabelle der Stoßzeiten, seitlich scrollbar
reports-busiest-caption = Begonnene Gespräche nach Tag und Stunde
reports-csv-hours = der Stoßzeiten
inbox-preview-note = Notiz:
inbox-preview-agent = Agent:
reports-today = Heute
reports-last-7-days = Letzte 7 Tage
reports-last-30-days = Letzte 30 Tage
reports-first-response = Erste Antwort
reports-resolution = Erledigung
role-agent-word = Agent
role-admin-word = Admin

## Ablehnungen der Einstellungsformulare (Labels, Textbausteine, Webhooks, Kontaktattribute, Geschäftszeiten)
form-label-name-control = Der Name eines Labels darf keine Steuerzeichen enthalten.
form-label-colour = Wählen Sie eine Farbe wie #2563eb.
form-canned-shortcut = Ein Kürzel besteht aus 1 bis 32 Buchstaben, Ziffern, - oder _, etwa refund-policy.
form-webhook-url-empty = Geben Sie die URL ein, die die Ereignisse empfangen soll, etwa https://example.com/parlor.
form-webhook-url-invalid = Geben Sie eine vollständige URL ein, etwa https://example.com/parlor.
form-webhook-url-scheme = Die URL muss mit https:// (oder http://) beginnen.
form-webhook-url-credentials = Lassen Sie Zugangsdaten aus der URL weg; prüfen Sie stattdessen die Signatur.
form-webhook-url-host = Die URL hat keinen Host.
form-webhook-url-private = Diese Adresse liegt in einem privaten Netz, das Parlor nicht erreichen kann.
form-webhook-events = Wählen Sie mindestens ein Ereignis aus der Liste.
form-attribute-label-control = Eine Bezeichnung darf keine Steuerzeichen enthalten.
form-attribute-no-key = Aus dieser Bezeichnung ergibt sich kein Schlüssel: Geben Sie einen ein, mit Buchstaben a bis z, Ziffern, - und _.
form-attribute-option-control = Eine Option darf keine Steuerzeichen enthalten.
form-attribute-options-list-only = Nur eine Liste hat Optionen.
form-attribute-one-line = Verwenden Sie eine Textzeile ohne Steuerzeichen.
form-attribute-number = Geben Sie eine Zahl ein, etwa 42 oder 3.5.
form-attribute-date = Geben Sie ein Datum als JJJJ-MM-TT ein, etwa 2026-12-03.
form-attribute-boolean = Geben Sie ja oder nein ein.
form-followup-delay = Warten Sie zwischen 0,5 und 1440 Minuten (einem Tag), bevor eine Antwort per E-Mail geht.
form-hours-one-day = Öffnen Sie an mindestens einem Tag, oder schalten Sie die Geschäftszeiten aus.
form-time-zone = Wählen Sie eine Zeitzone wie Europe/Berlin.
form-label-name-length = Der Name eines Labels hat 1 bis { $max } Zeichen.
form-label-limit = Ein Arbeitsbereich hat höchstens { $max } Labels; löschen Sie eines, um ein neues anzulegen.
form-canned-limit = Ein Arbeitsbereich hat höchstens { $max } Textbausteine.
form-canned-body-length = Die Antwort hat 1 bis { $max } Zeichen.
form-webhook-limit = Ein Arbeitsbereich hat höchstens { $max } Webhook-Endpunkte; löschen Sie zuerst einen.
form-attribute-label-length = Eine Bezeichnung hat 1 bis { $max } Zeichen.
form-attribute-key = Ein Schlüssel hat 1 bis { $max } Buchstaben a bis z (beliebige Schreibung), Ziffern, - und _ und beginnt mit einem Buchstaben oder einer Ziffer.
form-attribute-option-length = Eine Option hat 1 bis { $max } Zeichen.
form-attribute-options-count = Eine Liste hat 1 bis { $max } Optionen.
form-attribute-limit = Ein Arbeitsbereich hat höchstens { $max } Kontaktattribute; löschen Sie eines, um ein neues anzulegen.
form-offline-message-length = Schreiben Sie eine Abwesenheitsnachricht mit 1 bis { $max } Zeichen.
form-label-taken = Es gibt bereits ein Label namens „{ $name }“.
form-canned-taken = Das Kürzel /{ $shortcut } ist vergeben; wählen Sie ein anderes.
form-attribute-taken = Ein Attribut mit dem Schlüssel „{ $key }“ gibt es bereits.
form-attribute-choose = Wählen Sie eine der Optionen: { $options }.
