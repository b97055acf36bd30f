# Emails Parlor sends to members: their account, their team and their conversations.

team-greeting = Hi { $name },
team-hello = Hello,
team-hi = Hi,
team-signature = — Parlor
team-answer-in-inbox = Answer in the inbox:
team-choose-notifications = Choose your notifications:
team-a-visitor = A visitor
team-a-visitor-inline = a visitor
team-visitor = Visitor

verify-subject = Confirm your email address for Parlor
verify-body = Welcome to Parlor. Please confirm your email address by opening this link:
verify-expiry = The link works for 3 days. If you did not sign up for Parlor, you can ignore this email.

reset-subject = Reset your Parlor password
reset-body = Someone (hopefully you) asked to reset the password of your Parlor account. Choose a new password here:
reset-expiry = The link works once, for one hour. Setting a new password signs you out on every other device.
reset-ignore = If you did not ask for this, ignore this email: your password stays as it is.

password-changed-subject = Your Parlor password was changed
password-changed-body = The password of your Parlor account was changed just now, and every other device was signed out.
password-changed-advice = If this was you, there is nothing to do. If it was not, reset your password at once:

email-change-confirm-subject = Confirm your new email address for Parlor
email-change-confirm-body = You asked to use this address, { $new_email }, for your Parlor account. Confirm it by opening this link:
email-change-confirm-expiry = The link works for 24 hours, once. Until it is opened, your account keeps its current address. If you did not ask for this, ignore this email: nothing changes.

email-change-requested-subject = A change of your Parlor email address was asked for
email-change-requested-body = Someone signed in to your Parlor account asked to change its email address from this one to { $new_email }. Nothing changes unless the link we sent to { $new_email } is opened within 24 hours.
email-change-requested-advice = If this was you, there is nothing to do. If it was not, someone knows your password: cancel the change and change your password on your account page:
email-change-requested-reset = If you cannot sign in any more, reset your password (the link goes to this address):

email-changed-subject = Your Parlor email address was changed
email-changed-body = The email address of your Parlor account was changed from { $old_email } to { $new_email } just now. You sign in with the new address from now on, and Parlor's emails go there.
email-changed-advice = If this was you, there is nothing to do. If it was not, someone who knew your password has taken over your account: contact Parlor support at once, and ask the owners of your workspaces to remove the account from their teams.

invitation-subject = { $inviter } invited you to { $workspace } on Parlor
invitation-body = { $inviter } invited you to answer customers in { $workspace } on Parlor, as { $role }. Join here:
invitation-expiry = The link works for 7 days, once. If you do not know { $inviter }, you can ignore this email.
invitation-role-admin = an admin
invitation-role-agent = an agent

new-conversation-subject = New conversation in { $workspace }: { $visitor }
new-conversation-body = { $visitor } started a conversation in { $workspace }:
new-conversation-why = You get this email because you asked for one for every new conversation.

new-conversations-subject = { $count } new conversations in { $workspace }
new-conversations-body = { $count } conversations started in { $workspace } in the last minute:
new-conversations-why = You get at most one of these emails a minute because you asked for one for every new conversation.

assigned-subject = A conversation with { $visitor } is assigned to you in { $workspace }
assigned-by = { $by } assigned you a conversation with { $visitor } in { $workspace }.
assigned-auto = Auto-assignment gave you a conversation with { $visitor } in { $workspace }.
assigned-latest = Its latest messages:
assigned-open = Open it in the inbox:
assigned-why = You get this email because you asked for one when a conversation is assigned to you.

new-message-subject = { $visitor } wrote in your conversation in { $workspace }
new-message-body = { $visitor } wrote in your conversation in { $workspace } while you were away:
new-message-why = You get this email because the conversation is assigned to you and you were offline or away. You get at most one for a conversation every { $minutes } minutes.

unread-subject = { $visitor } is waiting for an answer in { $workspace }
unread-outside-hours = { $visitor } wrote to { $workspace } outside your business hours:
unread-nobody = { $visitor } wrote to { $workspace } and no one has read it yet:

payment-failed-subject = Payment failed for { $workspace } on Parlor
payment-failed-body = We could not charge the subscription of { $workspace } on Parlor. Stripe will try again over the next days; if every attempt fails, the workspace returns to the Free plan (nothing is deleted).
payment-failed-update = Update the payment method here:
