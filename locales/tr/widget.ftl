# The chat window.
send = Gönder
