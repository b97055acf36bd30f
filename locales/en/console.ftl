# The dashboard.
nav-inbox = Inbox
