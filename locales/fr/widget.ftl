# La fenêtre de chat (mêmes clés que locales/en/widget.ftl).

## La fenêtre et son en-tête
w-title = Discuter avec { $name }
w-rt-minutes = Nous répondons généralement en quelques minutes
w-rt-hours = Nous répondons généralement en quelques heures
w-rt-day = Nous répondons généralement en moins d’un jour
w-online = En ligne
w-away = Nous sommes absents pour le moment
w-list = Vos conversations
w-new = Nouvelle conversation
w-mail = M’envoyer cette conversation par e-mail
w-close = Fermer le chat
w-messages = Messages
w-reconnecting = Vous êtes hors ligne. Reconnexion…
w-sep = {", "}

## Écrire
w-message = Message
w-write = Écrivez un message…
w-send = Envoyer
w-attach = Joindre un fichier
w-pending = Fichiers à envoyer
w-drop = Déposez des fichiers pour les envoyer
w-support = Support
w-someone = Quelqu’un
w-typing = { $name } est en train d’écrire…
w-st-sending = Envoi…
w-st-sent = Envoyé
w-st-read = Lu
w-st-failed = Non envoyé

## Demander un e-mail
w-gate = Votre e-mail, pour que nous puissions vous répondre même après votre départ
w-gate-away = Laissez votre e-mail et nous vous répondrons par ce biais
w-continue = Continuer
w-skip = Non merci
w-thanks-email = Merci ! Si vous êtes parti d’ici là, nous vous répondrons à { $email }.
w-try-again = Réessayez.
w-offline = Vous semblez hors ligne. Réessayez dans un instant.

## Conversations et transcriptions
w-loading = Chargement…
w-list-error = Impossible de charger vos conversations. Réessayez.
w-list-empty = Aucune conversation pour l’instant. Commencez-en une avec « Nouvelle conversation ».
w-file1 = 1 fichier
w-files = { $n } fichiers
w-you = Vous : { $text }
w-unread = { $n } non lu(s)
w-open = Ouverte
w-resolved = Résolue
w-mail-to = Envoyer cette conversation à
w-cancel = Annuler
w-mail-sent = Nous avons envoyé cette conversation à { $email }.
w-mail-failed = L’envoi a échoué. Réessayez.

## Évaluation
w-csat = Comment s’est passée cette conversation ?
w-rate = Noter { $n } sur 5
w-rated = Vous avez noté cette conversation { $n } sur 5.
w-thanks = Merci pour votre avis
w-change = Modifier la note
w-comment = Ajouter un commentaire (facultatif)
w-send-comment = Envoyer le commentaire

## Envoyer des fichiers
w-file = fichier
w-up-ready = Prêt à envoyer
w-up-busy = Téléversement…
w-up-name = Téléversement de { $name }
w-up-large = Ce fichier dépasse { $size }.
w-up-full = Ce chat ne peut pas recevoir plus de fichiers pour le moment. Envoyez votre message sans.
w-up-quick = Vous envoyez des fichiers très vite. Attendez une minute, puis réessayez.
w-up-failed = Le fichier n’a pas pu être téléversé.
w-up-offline = Vous semblez hors ligne. Réessayez une fois reconnecté.
w-up-max = Un message peut contenir au plus { $n } fichiers.
w-up-wait = Attendez la fin du téléversement de vos fichiers, puis envoyez.
w-up-fix = Retirez les fichiers qui n’ont pas pu être téléversés (ou réessayez), puis envoyez.
w-files-offline = Vous semblez hors ligne : vos fichiers seront ajoutés à votre retour.
w-retry = Réessayer
w-retry-name = Réessayer { $name }
w-remove = Retirer { $name }

## Le bouton sur le site
w-chat = Chat
w-open-chat = Ouvrir le chat
w-open-unread = Ouvrir le chat, { $n } non lu(s)

## La conversation d’exemple de l’aperçu
w-sample-q = Bonjour ! Vous livrez au Canada ?
w-sample-a = Oui : la livraison prend 3 à 5 jours.
