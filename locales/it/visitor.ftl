# Ciò che un visitatore legge fuori dalla finestra della chat: le email che riceve e la pagina di valutazione.

visitor-greeting = Ciao,
visitor-greeting-named = Ciao { $name },
visitor-signature = — { $workspace }, tramite Parlor
visitor-you = Tu

follow-up-subject-one = Nuova risposta da { $workspace }
follow-up-subject-many = { $count } nuove risposte da { $workspace }
follow-up-intro-one = Hai una nuova risposta da { $workspace }:
follow-up-intro-many = Hai nuove risposte da { $workspace }:
follow-up-wrote = { $author } ha scritto:
follow-up-answer-on-page = Per rispondere, torna alla chat su { $url }
follow-up-answer-on-site = Per rispondere, riapri la chat sul sito di { $workspace }.
follow-up-answer-by-email = Per rispondere, rispondi a questa email.
follow-up-resolved = { $workspace } ha segnato questa conversazione come risolta.

rating-subject = Com'è andata la conversazione con { $workspace }?
rating-resolved = { $workspace } ha segnato la tua conversazione come risolta.
rating-question = Com'è andata questa conversazione? Scegli una valutazione:
rating-choice = { $score } su 5, { $words }: { $link }
rating-links-note = Ogni link apre una pagina in cui puoi aggiungere un commento prima di inviare la valutazione. I link funzionano fino al { $until }.
rating-words-1 = pessima
rating-words-2 = scarsa
rating-words-3 = discreta
rating-words-4 = buona
rating-words-5 = ottima

transcript-subject = La tua conversazione con { $workspace }
transcript-intro = Ecco la tua conversazione con { $workspace }, come richiesto.
transcript-line = { $author }, { $at }:
transcript-file = [file: { $name }]

rate-page-title = Valuta la tua conversazione
rate-page-heading = Com'è andata la conversazione con { $workspace }?
rate-page-your-rating = La tua valutazione
rate-page-choice = { $score } su 5 · { $words }
rate-page-comment = Commento
rate-page-optional = (facoltativo)
rate-page-send = Invia valutazione
rate-page-thanks-title = Grazie
rate-page-problem-title = Valutazione
rate-page-thanks = Grazie per il tuo feedback
rate-page-rated = Hai dato { $score } su 5 alla conversazione con { $workspace }. Puoi cambiarla dalla stessa email per 7 giorni.
rate-page-cannot = Questa valutazione non può essere inviata
rate-page-forged = Questo link di valutazione non è valido. Controlla che sia stato copiato per intero dall'email.
rate-page-expired = Questo link di valutazione è scaduto: le valutazioni sono accettate per 7 giorni dopo la risoluzione di una conversazione.
rate-refused-not-found = Questa conversazione non esiste.
rate-refused-not-resolved = Si può valutare solo una conversazione risolta.
rate-refused-closed = Le valutazioni di questa conversazione sono chiuse: sono accettate per { $days } giorni.
rate-refused-off = Questo team non chiede valutazioni.
rate-refused-bad-score = Una valutazione è un numero intero da 1 a 5.
rate-refused-comment-too-long = Un commento può avere al massimo { $max } caratteri.
rate-refused-blocked = Questa chat non è disponibile per te: il team ha bloccato questo contatto.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Ciao! Chiedici pure qualsiasi cosa, siamo felici di aiutarti.
stock-offline-message = Al momento non siamo disponibili. Lasciaci la tua email e ti risponderemo lì.
