# Emails to visitors and the rating page.
visitor-greeting-named = Hallo { $name },
