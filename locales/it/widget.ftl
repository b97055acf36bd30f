# La finestra della chat (stesse chiavi di locales/en/widget.ftl).

## La finestra e la sua intestazione
w-title = Chatta con { $name }
w-rt-minutes = Di solito rispondiamo in pochi minuti
w-rt-hours = Di solito rispondiamo entro poche ore
w-rt-day = Di solito rispondiamo entro un giorno
w-online = Online ora
w-away = Al momento non ci siamo
w-list = Le tue conversazioni
w-new = Nuova conversazione
w-mail = Inviami questa conversazione via email
w-close = Chiudi la chat
w-messages = Messaggi
w-reconnecting = Sei offline. Riconnessione in corso…
w-sep = {", "}

## Scrivere
w-message = Messaggio
w-write = Scrivi un messaggio…
w-send = Invia
w-attach = Allega un file
w-pending = File da inviare
w-drop = Rilascia i file per inviarli
w-support = Assistenza
w-someone = Qualcuno
w-typing = { $name } sta scrivendo…
w-st-sending = Invio in corso…
w-st-sent = Inviato
w-st-read = Letto
w-st-failed = Non inviato

## Chiedere un'email
w-gate = La tua email, così possiamo risponderti anche dopo che te ne sei andato
w-gate-away = Lasciaci la tua email e ti risponderemo lì
w-continue = Continua
w-skip = No, grazie
w-thanks-email = Grazie! Se nel frattempo te ne sarai andato, ti risponderemo a { $email }.
w-try-again = Riprova.
w-offline = Sembra che tu sia offline. Riprova tra un attimo.

## Conversazioni e trascrizioni
w-loading = Caricamento…
w-list-error = Non è stato possibile caricare le tue conversazioni. Riprova.
w-list-empty = Ancora nessuna conversazione. Iniziane una con «Nuova conversazione».
w-file1 = 1 file
w-files = { $n } file
w-you = Tu: { $text }
w-unread = { $n } non letti
w-open = Aperta
w-resolved = Risolta
w-mail-to = Invia questa conversazione a
w-cancel = Annulla
w-mail-sent = Abbiamo inviato questa conversazione a { $email }.
w-mail-failed = Non è stato possibile inviarla. Riprova.

## Valutazione
w-csat = Com'è andata questa conversazione?
w-rate = Valuta { $n } su 5
w-rated = Hai valutato questa conversazione { $n } su 5.
w-thanks = Grazie per il tuo feedback
w-change = Cambia valutazione
w-comment = Aggiungi un commento (facoltativo)
w-send-comment = Invia commento

## Inviare file
w-file = file
w-up-ready = Pronto per l'invio
w-up-busy = Caricamento…
w-up-name = Caricamento di { $name }
w-up-large = Questo file supera { $size }.
w-up-full = Al momento questa chat non può ricevere altri file. Invia il messaggio senza.
w-up-quick = Stai inviando file molto in fretta. Aspetta un minuto, poi riprova.
w-up-failed = Non è stato possibile caricare il file.
w-up-offline = Sembra che tu sia offline. Riprova quando sarai di nuovo online.
w-up-max = Un messaggio può contenere al massimo { $n } file.
w-up-wait = Aspetta che i file finiscano di caricarsi, poi invia.
w-up-fix = Rimuovi i file che non è stato possibile caricare (o riprova), poi invia.
w-files-offline = Sembra che tu sia offline: i tuoi file verranno aggiunti quando tornerai online.
w-retry = Riprova
w-retry-name = Riprova { $name }
w-remove = Rimuovi { $name }

## Il pulsante sul sito
w-chat = Chat
w-open-chat = Apri la chat
w-open-unread = Apri la chat, { $n } non letti

## La conversazione di esempio dell'anteprima
w-sample-q = Ciao! Spedite in Canada?
w-sample-a = Sì: la consegna richiede da 3 a 5 giorni.
