# Emails to members.
team-greeting = Hallo { $name },
