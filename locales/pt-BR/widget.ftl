# A janela de chat (mesmas chaves de locales/en/widget.ftl).

## A janela e seu cabeçalho
w-title = Converse com { $name }
w-rt-minutes = Costumamos responder em poucos minutos
w-rt-hours = Costumamos responder em poucas horas
w-rt-day = Costumamos responder em até um dia
w-online = Online agora
w-away = Estamos ausentes no momento
w-list = Suas conversas
w-new = Nova conversa
w-mail = Enviar esta conversa para o meu e-mail
w-close = Fechar o chat
w-messages = Mensagens
w-reconnecting = Você está offline. Reconectando…
w-sep = {", "}

## Escrever
w-message = Mensagem
w-write = Escreva uma mensagem…
w-send = Enviar
w-attach = Anexar um arquivo
w-pending = Arquivos a enviar
w-drop = Solte os arquivos para enviá-los
w-support = Suporte
w-someone = Alguém
w-typing = { $name } está digitando…
w-st-sending = Enviando…
w-st-sent = Enviada
w-st-read = Lida
w-st-failed = Não enviada

## Pedir um e-mail
w-gate = Seu e-mail, para que possamos responder mesmo depois que você sair
w-gate-away = Deixe seu e-mail e responderemos por lá
w-continue = Continuar
w-skip = Não, obrigado
w-thanks-email = Obrigado! Se você já tiver saído, responderemos em { $email }.
w-try-again = Tente novamente.
w-offline = Parece que você está offline. Tente novamente em instantes.

## Conversas e transcrições
w-loading = Carregando…
w-list-error = Não foi possível carregar suas conversas. Tente novamente.
w-list-empty = Nenhuma conversa ainda. Comece uma em “Nova conversa”.
w-file1 = 1 arquivo
w-files = { $n } arquivos
w-you = Você: { $text }
w-unread = { $n } não lida(s)
w-open = Aberta
w-resolved = Resolvida
w-mail-to = Enviar esta conversa para
w-cancel = Cancelar
w-mail-sent = Enviamos esta conversa para { $email }.
w-mail-failed = Não foi possível enviar. Tente novamente.

## Avaliação
w-csat = Como foi esta conversa?
w-rate = Dar nota { $n } de 5
w-rated = Você deu nota { $n } de 5 a esta conversa.
w-thanks = Obrigado pela sua avaliação
w-change = Alterar avaliação
w-comment = Adicione um comentário (opcional)
w-send-comment = Enviar comentário

## Enviar arquivos
w-file = arquivo
w-up-ready = Pronto para enviar
w-up-busy = Enviando arquivo…
w-up-name = Enviando { $name }
w-up-large = Este arquivo tem mais de { $size }.
w-up-full = Este chat não pode receber mais arquivos agora. Envie sua mensagem sem ele.
w-up-quick = Você está enviando arquivos muito rápido. Espere um minuto e tente de novo.
w-up-failed = Não foi possível enviar o arquivo.
w-up-offline = Parece que você está offline. Tente de novo quando voltar.
w-up-max = Uma mensagem pode levar no máximo { $n } arquivos.
w-up-wait = Espere seus arquivos terminarem de carregar e depois envie.
w-up-fix = Remova os arquivos que não puderam ser enviados (ou tente de novo) e depois envie.
w-files-offline = Parece que você está offline: seus arquivos serão adicionados quando você voltar.
w-retry = Tentar de novo
w-retry-name = Tentar { $name } de novo
w-remove = Remover { $name }

## O botão no site
w-chat = Chat
w-open-chat = Abrir o chat
w-open-unread = Abrir o chat, { $n } não lida(s)

## A conversa de exemplo da pré-visualização
w-sample-q = Oi! Vocês entregam no Canadá?
w-sample-a = Entregamos: a entrega leva de 3 a 5 dias.
