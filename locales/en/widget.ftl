# The chat window. Every key starts with `w-`, which the window's JavaScript leaves out; keys are
# short: the window receives its language's texts inline, and every
# byte counts toward its first paint. Messages hold variables only (no plurals or selectors):
# the window's JavaScript fills in each `{ $name }`.

## The window and its header
w-title = Chat with { $name }
w-rt-minutes = We usually reply in a few minutes
w-rt-hours = We usually reply within a few hours
w-rt-day = We usually reply within a day
w-online = Online now
w-away = We are away right now
w-list = Your conversations
w-new = New conversation
w-mail = Email me this conversation
w-close = Close chat
w-messages = Messages
w-reconnecting = You are offline. Reconnecting…
# Between the parts of a spoken label: "Hello, 2 unread, resolved".
w-sep = {", "}

## Writing
w-message = Message
w-write = Write a message…
w-send = Send
w-attach = Attach a file
w-pending = Files to send
w-drop = Drop files to send them
w-support = Support
w-someone = Someone
w-typing = { $name } is typing…
w-st-sending = Sending…
w-st-sent = Sent
w-st-read = Read
w-st-failed = Not sent

## Asking for an email
w-gate = Your email, so that we can answer you even after you leave
w-gate-away = Leave your email and we will answer you there
w-continue = Continue
w-skip = No thanks
w-thanks-email = Thanks! If you have left by then, we will answer you at { $email }.
w-try-again = Try again.
w-offline = You seem to be offline. Try again in a moment.

## The visitor's conversations and transcripts
w-loading = Loading…
w-list-error = Your conversations could not be loaded. Try again.
w-list-empty = No conversations yet. Start one with New conversation.
w-file1 = 1 file
w-files = { $n } files
w-you = You: { $text }
w-unread = { $n } unread
w-open = Open
w-resolved = Resolved
w-mail-to = Email this conversation to
w-cancel = Cancel
w-mail-sent = We sent this conversation to { $email }.
w-mail-failed = It could not be sent. Try again.

## Rating a resolved conversation
w-csat = How was this conversation?
w-rate = Rate { $n } of 5
w-rated = You rated this conversation { $n } of 5.
w-thanks = Thanks for your feedback
w-change = Change rating
w-comment = Add a comment (optional)
w-send-comment = Send comment

## Sending files
w-file = file
w-up-ready = Ready to send
w-up-busy = Uploading…
w-up-name = Uploading { $name }
w-up-large = This file is larger than { $size }.
w-up-full = This chat cannot take more files right now. Send your message without it.
w-up-quick = You are sending files quickly. Wait a minute, then retry.
w-up-failed = The file could not be uploaded.
w-up-offline = You seem to be offline. Retry when you are back.
w-up-max = A message can carry at most { $n } files.
w-up-wait = Wait until your files have finished uploading, then send.
w-up-fix = Remove the files that could not be uploaded (or retry them), then send.
w-files-offline = You seem to be offline: your files will be added when you are back.
w-retry = Retry
w-retry-name = Retry { $name }
w-remove = Remove { $name }

## The launcher on the website
w-chat = Chat
w-open-chat = Open chat
w-open-unread = Open chat, { $n } unread

## The sample conversation of the dashboard's preview
w-sample-q = Hi! Do you ship to Canada?
w-sample-a = We do: delivery takes 3 to 5 days.
