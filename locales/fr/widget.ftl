# The chat window.
send = Envoyer
