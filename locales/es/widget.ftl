# La ventana de chat (mismas claves que locales/en/widget.ftl).

## La ventana y su cabecera
w-title = Chatea con { $name }
w-rt-minutes = Solemos responder en unos minutos
w-rt-hours = Solemos responder en unas horas
w-rt-day = Solemos responder en un día
w-online = En línea
w-away = Ahora no estamos disponibles
w-list = Tus conversaciones
w-new = Nueva conversación
w-mail = Enviarme esta conversación por correo
w-close = Cerrar el chat
w-messages = Mensajes
w-reconnecting = Estás sin conexión. Reconectando…
w-sep = {", "}

## Escribir
w-message = Mensaje
w-write = Escribe un mensaje…
w-send = Enviar
w-attach = Adjuntar un archivo
w-pending = Archivos por enviar
w-drop = Suelta los archivos para enviarlos
w-support = Soporte
w-someone = Alguien
w-typing = { $name } está escribiendo…
w-st-sending = Enviando…
w-st-sent = Enviado
w-st-read = Leído
w-st-failed = No enviado

## Pedir un correo
w-gate = Tu correo, para poder responderte aunque te vayas
w-gate-away = Déjanos tu correo y te responderemos allí
w-continue = Continuar
w-skip = No, gracias
w-thanks-email = ¡Gracias! Si para entonces ya te has ido, te responderemos en { $email }.
w-try-again = Inténtalo de nuevo.
w-offline = Parece que no tienes conexión. Inténtalo de nuevo en un momento.

## Conversaciones y transcripciones
w-loading = Cargando…
w-list-error = No se pudieron cargar tus conversaciones. Inténtalo de nuevo.
w-list-empty = Aún no hay conversaciones. Empieza una con «Nueva conversación».
w-file1 = 1 archivo
w-files = { $n } archivos
w-you = Tú: { $text }
w-unread = { $n } sin leer
w-open = Abierta
w-resolved = Resuelta
w-mail-to = Enviar esta conversación a
w-cancel = Cancelar
w-mail-sent = Hemos enviado esta conversación a { $email }.
w-mail-failed = No se pudo enviar. Inténtalo de nuevo.

## Valoración
w-csat = ¿Qué tal ha ido esta conversación?
w-rate = Valorar con { $n } de 5
w-rated = Has valorado esta conversación con { $n } de 5.
w-thanks = Gracias por tu opinión
w-change = Cambiar la valoración
w-comment = Añade un comentario (opcional)
w-send-comment = Enviar comentario

## Enviar archivos
w-file = archivo
w-up-ready = Listo para enviar
w-up-busy = Subiendo…
w-up-name = Subiendo { $name }
w-up-large = Este archivo supera { $size }.
w-up-full = Este chat no admite más archivos ahora mismo. Envía tu mensaje sin él.
w-up-quick = Estás enviando archivos muy rápido. Espera un minuto y vuelve a intentarlo.
w-up-failed = No se pudo subir el archivo.
w-up-offline = Parece que no tienes conexión. Vuelve a intentarlo cuando la recuperes.
w-up-max = Un mensaje puede llevar como máximo { $n } archivos.
w-up-wait = Espera a que terminen de subirse tus archivos y luego envía.
w-up-fix = Quita los archivos que no se pudieron subir (o reinténtalo) y luego envía.
w-files-offline = Parece que no tienes conexión: tus archivos se añadirán cuando vuelvas.
w-retry = Reintentar
w-retry-name = Reintentar { $name }
w-remove = Quitar { $name }

## El botón en el sitio web
w-chat = Chat
w-open-chat = Abrir el chat
w-open-unread = Abrir el chat, { $n } sin leer

## La conversación de ejemplo de la vista previa
w-sample-q = ¡Hola! ¿Hacéis envíos a Canadá?
w-sample-a = Sí: la entrega tarda de 3 a 5 días.
