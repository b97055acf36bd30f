# The chat window.
send = 发送
