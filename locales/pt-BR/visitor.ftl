# O que um visitante lê fora da janela do chat: os e-mails que recebe e a página de avaliação.

visitor-greeting = Olá,
visitor-greeting-named = Olá, { $name },
visitor-signature = — { $workspace }, via Parlor
visitor-you = Você

follow-up-subject-one = Nova resposta de { $workspace }
follow-up-subject-many = { $count } novas respostas de { $workspace }
follow-up-intro-one = Você tem uma nova resposta de { $workspace }:
follow-up-intro-many = Você tem novas respostas de { $workspace }:
follow-up-wrote = { $author } escreveu:
follow-up-answer-on-page = Para responder, volte ao chat em { $url }
follow-up-answer-on-site = Para responder, abra de novo o chat no site de { $workspace }.
follow-up-answer-by-email = Para responder, basta responder a este e-mail.
follow-up-resolved = { $workspace } marcou esta conversa como resolvida.

rating-subject = Como foi sua conversa com { $workspace }?
rating-resolved = { $workspace } marcou sua conversa como resolvida.
rating-question = Como foi esta conversa? Escolha uma avaliação:
rating-choice = { $score } de 5, { $words }: { $link }
rating-links-note = Cada link abre uma página onde você pode adicionar um comentário antes de enviar sua avaliação. Os links funcionam até { $until }.
rating-words-1 = muito ruim
rating-words-2 = ruim
rating-words-3 = razoável
rating-words-4 = boa
rating-words-5 = muito boa

transcript-subject = Sua conversa com { $workspace }
transcript-intro = Aqui está sua conversa com { $workspace }, como você pediu.
transcript-line = { $author }, { $at }:
transcript-file = [arquivo: { $name }]

rate-page-title = Avalie sua conversa
rate-page-heading = Como foi sua conversa com { $workspace }?
rate-page-your-rating = Sua avaliação
rate-page-choice = { $score } de 5 · { $words }
rate-page-comment = Comentário
rate-page-optional = (opcional)
rate-page-send = Enviar avaliação
rate-page-thanks-title = Obrigado
rate-page-problem-title = Avaliação
rate-page-thanks = Obrigado pelo seu feedback
rate-page-rated = Você avaliou sua conversa com { $workspace } com { $score } de 5. Você pode mudar isso pelo mesmo e-mail durante 7 dias.
rate-page-cannot = Esta avaliação não pode ser enviada
rate-page-forged = Este link de avaliação não é válido. Verifique se ele foi copiado inteiro do e-mail.
rate-page-expired = Este link de avaliação expirou: as avaliações são aceitas por 7 dias depois que uma conversa é resolvida.
rate-refused-not-found = Esta conversa não existe.
rate-refused-not-resolved = Só uma conversa resolvida pode ser avaliada.
rate-refused-closed = As avaliações desta conversa estão encerradas: elas são aceitas por { $days } dias.
rate-refused-off = Esta equipe não pede avaliações.
rate-refused-bad-score = Uma avaliação é um número inteiro de 1 a 5.
rate-refused-comment-too-long = Um comentário pode ter no máximo { $max } caracteres.
rate-refused-blocked = Este chat não está disponível para você: a equipe bloqueou este contato.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Olá! Pergunte o que quiser, estamos aqui para ajudar.
stock-offline-message = No momento estamos ausentes. Deixe seu e-mail e responderemos por lá.
