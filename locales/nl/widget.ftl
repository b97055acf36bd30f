# The chat window.
send = Versturen
