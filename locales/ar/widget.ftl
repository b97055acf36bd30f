# The chat window.
send = إرسال
