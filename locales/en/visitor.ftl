# What a visitor reads outside the chat window: Parlor's emails to them and the rating page.

visitor-greeting = Hi,
visitor-greeting-named = Hi { $name },
visitor-signature = — { $workspace }, through Parlor
visitor-you = You

follow-up-subject-one = New reply from { $workspace }
follow-up-subject-many = { $count } new replies from { $workspace }
follow-up-intro-one = You have a new reply from { $workspace }:
follow-up-intro-many = You have new replies from { $workspace }:
follow-up-wrote = { $author } wrote:
follow-up-answer-on-page = To answer, go back to the chat on { $url }
follow-up-answer-on-site = To answer, open the chat on { $workspace }'s website again.
follow-up-answer-by-email = To answer, reply to this email.
follow-up-resolved = { $workspace } marked this conversation as resolved.

rating-subject = How was your conversation with { $workspace }?
rating-resolved = { $workspace } marked your conversation with them as resolved.
rating-question = How was this conversation? Choose a rating:
rating-choice = { $score } of 5, { $words }: { $link }
rating-links-note = Each link opens a page where you can add a comment before you send your rating. The links work until { $until }.
rating-words-1 = very bad
rating-words-2 = bad
rating-words-3 = okay
rating-words-4 = good
rating-words-5 = very good

transcript-subject = Your conversation with { $workspace }
transcript-intro = Here is your conversation with { $workspace }, as you asked.
transcript-line = { $author }, { $at }:
transcript-file = [file: { $name }]

rate-page-title = Rate your conversation
rate-page-heading = How was your conversation with { $workspace }?
rate-page-your-rating = Your rating
rate-page-choice = { $score } of 5 · { $words }
rate-page-comment = Comment
rate-page-optional = (optional)
rate-page-send = Send rating
rate-page-thanks-title = Thanks
rate-page-problem-title = Rating
rate-page-thanks = Thanks for your feedback
rate-page-rated = You rated your conversation with { $workspace } { $score } out of 5. You can change it from the same email for 7 days.
rate-page-cannot = This rating cannot be sent
rate-page-forged = This rating link is not valid. Check that it was copied whole from the email.
rate-page-expired = This rating link has expired: ratings are taken for 7 days after a conversation is resolved.
rate-refused-not-found = No such conversation.
rate-refused-not-resolved = Only a resolved conversation can be rated.
rate-refused-closed = Ratings of this conversation are closed: they are taken for { $days } days.
rate-refused-off = This team does not ask for ratings.
rate-refused-bad-score = A rating is a whole number from 1 to 5.
rate-refused-comment-too-long = A comment can be at most { $max } characters.
rate-refused-blocked = This chat is not available to you: the team has blocked this contact.

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = Hi there! Ask us anything, we are happy to help.
stock-offline-message = We are away right now. Leave your email and we will answer you there.
