# Lo que lee un visitante fuera de la ventana del chat: los correos que recibe y la página de valoración.

visitor-greeting = Hola:
visitor-greeting-named = Hola, { $name }:
visitor-signature = — { $workspace }, a través de Parlor
visitor-you = Tú

follow-up-subject-one = Nueva respuesta de { $workspace }
follow-up-subject-many = { $count } nuevas respuestas de { $workspace }
follow-up-intro-one = Tienes una nueva respuesta de { $workspace }:
follow-up-intro-many = Tienes nuevas respuestas de { $workspace }:
follow-up-wrote = { $author } escribió:
follow-up-answer-on-page = Para responder, vuelve al chat en { $url }
follow-up-answer-on-site = Para responder, vuelve a abrir el chat en el sitio web de { $workspace }.
follow-up-answer-by-email = Para responder, responde a este correo.
follow-up-resolved = { $workspace } marcó esta conversación como resuelta.

rating-subject = ¿Qué tal tu conversación con { $workspace }?
rating-resolved = { $workspace } marcó tu conversación como resuelta.
rating-question = ¿Qué tal fue esta conversación? Elige una valoración:
rating-choice = { $score } de 5, { $words }: { $link }
rating-links-note = Cada enlace abre una página donde puedes añadir un comentario antes de enviar tu valoración. Los enlaces funcionan hasta el { $until }.
rating-words-1 = muy mala
rating-words-2 = mala
rating-words-3 = regular
rating-words-4 = buena
rating-words-5 = muy buena

transcript-subject = Tu conversación con { $workspace }
transcript-intro = Aquí tienes tu conversación con { $workspace }, como pediste.
transcript-line = { $author }, { $at }:
transcript-file = [archivo: { $name }]

rate-page-title = Valora tu conversación
rate-page-heading = ¿Qué tal tu conversación con { $workspace }?
rate-page-your-rating = Tu valoración
rate-page-choice = { $score } de 5 · { $words }
rate-page-comment = Comentario
rate-page-optional = (opcional)
rate-page-send = Enviar valoración
rate-page-thanks-title = Gracias
rate-page-problem-title = Valoración
rate-page-thanks = Gracias por tu opinión
rate-page-rated = Valoraste tu conversación con { $workspace } con { $score } de 5. Puedes cambiarlo desde el mismo correo durante 7 días.
rate-page-cannot = No se puede enviar esta valoración
rate-page-forged = Este enlace de valoración no es válido. Comprueba que se copió completo desde el correo.
rate-page-expired = Este enlace de valoración ha caducado: las valoraciones se aceptan durante 7 días después de resolver una conversación.
rate-refused-not-found = Esta conversación no existe.
rate-refused-not-resolved = Solo se puede valorar una conversación resuelta.
rate-refused-closed = Las valoraciones de esta conversación están cerradas: se aceptan durante { $days } días.
rate-refused-off = Este equipo no pide valoraciones.
rate-refused-bad-score = Una valoración es un número entero del 1 al 5.
rate-refused-comment-too-long = Un comentario puede tener como máximo { $max } caracteres.
rate-refused-blocked = Este chat no está disponible para ti: el equipo ha bloqueado este contacto.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = ¡Hola! Pregúntanos lo que quieras, estaremos encantados de ayudarte.
stock-offline-message = Ahora mismo no estamos. Déjanos tu correo y te responderemos allí.
