# Emails to members.
team-greeting = Hi { $name },
