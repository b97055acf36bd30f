# Emails to visitors and the rating page.
visitor-greeting-named = مرحبًا { $name }،
