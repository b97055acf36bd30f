# The chat window.
send = Invia
