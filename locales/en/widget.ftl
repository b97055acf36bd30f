# The chat window.
send = Send
