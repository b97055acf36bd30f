# The chat window.
send = Enviar
