# Ce que lit un visiteur hors de la fenêtre de chat : les e-mails qu'il reçoit et la page de notation.

visitor-greeting = Bonjour,
visitor-greeting-named = Bonjour { $name },
visitor-signature = — { $workspace }, via Parlor
visitor-you = Vous

follow-up-subject-one = Nouvelle réponse de { $workspace }
follow-up-subject-many = { $count } nouvelles réponses de { $workspace }
follow-up-intro-one = Vous avez une nouvelle réponse de { $workspace } :
follow-up-intro-many = Vous avez de nouvelles réponses de { $workspace } :
follow-up-wrote = { $author } a écrit :
follow-up-answer-on-page = Pour répondre, revenez au chat sur { $url }
follow-up-answer-on-site = Pour répondre, rouvrez le chat sur le site de { $workspace }.
follow-up-answer-by-email = Pour répondre, répondez simplement à cet e-mail.
follow-up-resolved = { $workspace } a marqué cette conversation comme résolue.

rating-subject = Comment s'est passée votre conversation avec { $workspace } ?
rating-resolved = { $workspace } a marqué votre conversation comme résolue.
rating-question = Comment s'est passée cette conversation ? Choisissez une note :
rating-choice = { $score } sur 5, { $words } : { $link }
rating-links-note = Chaque lien ouvre une page où vous pouvez ajouter un commentaire avant d'envoyer votre note. Les liens fonctionnent jusqu'au { $until }.
rating-words-1 = très mauvaise
rating-words-2 = mauvaise
rating-words-3 = correcte
rating-words-4 = bonne
rating-words-5 = très bonne

transcript-subject = Votre conversation avec { $workspace }
transcript-intro = Voici votre conversation avec { $workspace }, comme demandé.
transcript-line = { $author }, { $at } :
transcript-file = [fichier : { $name }]

rate-page-title = Notez votre conversation
rate-page-heading = Comment s'est passée votre conversation avec { $workspace } ?
rate-page-your-rating = Votre note
rate-page-choice = { $score } sur 5 · { $words }
rate-page-comment = Commentaire
rate-page-optional = (facultatif)
rate-page-send = Envoyer la note
rate-page-thanks-title = Merci
rate-page-problem-title = Note
rate-page-thanks = Merci pour votre avis
rate-page-rated = Vous avez noté votre conversation avec { $workspace } { $score } sur 5. Vous pouvez modifier cette note depuis le même e-mail pendant 7 jours.
rate-page-cannot = Cette note ne peut pas être envoyée
rate-page-forged = Ce lien de notation n'est pas valide. Vérifiez qu'il a été copié en entier depuis l'e-mail.
rate-page-expired = Ce lien de notation a expiré : les notes sont acceptées pendant 7 jours après la résolution d'une conversation.
rate-refused-not-found = Cette conversation n'existe pas.
rate-refused-not-resolved = Seule une conversation résolue peut être notée.
rate-refused-closed = Les notes de cette conversation sont closes : elles sont acceptées pendant { $days } jours.
rate-refused-off = Cette équipe ne demande pas de notes.
rate-refused-bad-score = Une note est un nombre entier de 1 à 5.
rate-refused-comment-too-long = Un commentaire peut contenir au plus { $max } caractères.
rate-refused-blocked = Ce chat ne vous est pas accessible : l'équipe a bloqué ce contact.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Bonjour ! Posez-nous toutes vos questions, nous sommes là pour vous aider.
stock-offline-message = Nous sommes absents pour le moment. Laissez votre e-mail et nous vous répondrons par ce biais.
