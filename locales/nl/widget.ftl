# Het chatvenster (dezelfde sleutels als locales/en/widget.ftl).

## Het venster en de kop
w-title = Chat met { $name }
w-rt-minutes = We reageren meestal binnen een paar minuten
w-rt-hours = We reageren meestal binnen een paar uur
w-rt-day = We reageren meestal binnen een dag
w-online = Nu online
w-away = We zijn er nu even niet
w-list = Je gesprekken
w-new = Nieuw gesprek
w-mail = Stuur dit gesprek naar mijn e-mail
w-close = Chat sluiten
w-messages = Berichten
w-reconnecting = Je bent offline. Opnieuw verbinden…
w-sep = {", "}

## Schrijven
w-message = Bericht
w-write = Schrijf een bericht…
w-send = Versturen
w-attach = Bestand bijvoegen
w-pending = Te versturen bestanden
w-drop = Zet bestanden hier neer om ze te versturen
w-support = Support
w-someone = Iemand
w-typing = { $name } is aan het typen…
w-st-sending = Versturen…
w-st-sent = Verstuurd
w-st-read = Gelezen
w-st-failed = Niet verstuurd

## Om een e-mailadres vragen
w-gate = Je e-mailadres, zodat we je ook kunnen antwoorden als je weg bent
w-gate-away = Laat je e-mailadres achter, dan antwoorden we je daar
w-continue = Doorgaan
w-skip = Nee, bedankt
w-thanks-email = Bedankt! Ben je dan al weg, dan antwoorden we je op { $email }.
w-try-again = Probeer het opnieuw.
w-offline = Je lijkt offline te zijn. Probeer het zo opnieuw.

## Gesprekken en transcripties
w-loading = Laden…
w-list-error = Je gesprekken konden niet worden geladen. Probeer het opnieuw.
w-list-empty = Nog geen gesprekken. Begin er een met ‘Nieuw gesprek’.
w-file1 = 1 bestand
w-files = { $n } bestanden
w-you = Jij: { $text }
w-unread = { $n } ongelezen
w-open = Open
w-resolved = Opgelost
w-mail-to = Dit gesprek e-mailen naar
w-cancel = Annuleren
w-mail-sent = We hebben dit gesprek naar { $email } gestuurd.
w-mail-failed = Het kon niet worden verstuurd. Probeer het opnieuw.

## Beoordeling
w-csat = Hoe was dit gesprek?
w-rate = Geef { $n } van de 5
w-rated = Je gaf dit gesprek { $n } van de 5.
w-thanks = Bedankt voor je feedback
w-change = Beoordeling wijzigen
w-comment = Opmerking toevoegen (optioneel)
w-send-comment = Opmerking versturen

## Bestanden versturen
w-file = bestand
w-up-ready = Klaar om te versturen
w-up-busy = Uploaden…
w-up-name = { $name } uploaden
w-up-large = Dit bestand is groter dan { $size }.
w-up-full = Deze chat kan nu geen bestanden meer aannemen. Verstuur je bericht zonder.
w-up-quick = Je verstuurt heel snel bestanden. Wacht een minuut en probeer het dan opnieuw.
w-up-failed = Het bestand kon niet worden geüpload.
w-up-offline = Je lijkt offline te zijn. Probeer het opnieuw als je weer online bent.
w-up-max = Een bericht kan maximaal { $n } bestanden bevatten.
w-up-wait = Wacht tot je bestanden klaar zijn met uploaden en verstuur dan.
w-up-fix = Verwijder de bestanden die niet konden worden geüpload (of probeer ze opnieuw) en verstuur dan.
w-files-offline = Je lijkt offline te zijn: je bestanden worden toegevoegd zodra je terug bent.
w-retry = Opnieuw
w-retry-name = { $name } opnieuw proberen
w-remove = { $name } verwijderen

## De knop op de website
w-chat = Chat
w-open-chat = Chat openen
w-open-unread = Chat openen, { $n } ongelezen

## Het voorbeeldgesprek van de voorvertoning
w-sample-q = Hoi! Verzenden jullie ook naar Canada?
w-sample-a = Zeker: de levering duurt 3 tot 5 dagen.
