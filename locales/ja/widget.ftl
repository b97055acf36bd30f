# The chat window.
send = 送信
