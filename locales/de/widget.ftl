# The chat window.
send = Senden
