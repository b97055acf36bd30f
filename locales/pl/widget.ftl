# The chat window.
send = Wyślij
