# The dashboard: every page a member reads, and the sign-up, sign-in and password pages.

## Around every page

skip-to-content = Skip to content
nav-inbox = Inbox
nav-home = Get started
nav-contacts = Contacts
nav-reports = Reports
nav-widget = Widget
nav-team = Team
nav-billing = Billing
nav-settings = Settings
nav-workspace = Workspace
nav-switch-workspace = Switch workspace
nav-workspaces = Workspaces
nav-your-workspaces = Your workspaces
nav-create-workspace = Create a workspace
nav-account-menu = Account menu for { $name }
nav-account = Account and devices
nav-sign-out = Sign out
banner-verify-label = Email confirmation
banner-verify-text = Please confirm your email address: we sent a link to
banner-verify-resend = Send the link again
banner-past-due = A payment failed.
banner-past-due-owner-before = Update the payment method in
banner-past-due-owner-after = so that your team keeps its seats.
banner-past-due-member = The workspace's owner has been told; ask them to update the payment method.
banner-cap = { $used } conversations this month: the Free plan includes { $cap }.
banner-cap-still = New visitors still reach you and nothing is lost;
banner-cap-upgrade-link = upgrade
banner-cap-upgrade-after = for unlimited conversations.
banner-cap-member = ask the workspace's owner to upgrade for unlimited conversations.

## Notices after a redirect

notice-signed-out = You are signed out.
notice-signed-out-everywhere = You are signed out on every device.
notice-password-reset = Your password is changed, and every other device is signed out.
notice-email-verified = Thanks, your email address is confirmed.
notice-verification-sent = We sent you a new confirmation link.
notice-session-revoked = That device is signed out.
notice-name-saved = Your name is saved. Teammates and visitors see it from now on.
notice-password-changed = Your password is changed, and every other device is signed out.
notice-time-zone-saved = Your time zone is saved. Times in the console show in it.
notice-email-change-sent = Check your new address: the change happens when you open the link we sent there.
notice-email-change-cancelled = The change of email address is cancelled; its link no longer works.
notice-email-changed = Your email address is changed. Sign in with the new one from now on.
notice-avatar-saved = Your avatar is saved. Teammates see it in the console, and visitors next to your replies.
notice-avatar-removed = Your avatar is removed: your initials show in its place.
notice-workspace-renamed = The workspace name is saved.
notice-workspace-created = Your new workspace is ready.
notice-invitation-sent = The invitation is on its way. Its link works for 7 days.
notice-invitation-revoked = The invitation is revoked; its link no longer works.
notice-role-changed = The role is changed.
notice-member-removed = They are removed from the workspace and signed out.
notice-ownership-transferred = The workspace has a new owner; you are an admin now.
notice-left-workspace = You left the workspace.
notice-joined-workspace = Welcome to the team!
notice-api-key-revoked = The key is revoked: requests with it are refused from now on.
notice-reply-sent = Your reply is sent.
notice-conversation-assigned = The assignee is saved.
notice-conversation-resolved = The conversation is resolved. A new message from the visitor reopens it.
notice-conversation-snoozed = The conversation is snoozed; it comes back as open at the time you chose.
notice-conversation-updated = The conversation's status is saved.
notice-contact-saved = The contact is saved.
notice-attributes-saved = The contact's attributes are saved.
notice-attribute-created = The attribute is added. Members fill it in on each contact's page.
notice-attribute-saved = The attribute is saved.
notice-attribute-deleted = The attribute is deleted, and its values are removed from every contact.
notice-label-added = The label is on the conversation.
notice-label-removed = The label is off the conversation.
notice-label-created = The label is added. Agents can put it on conversations now.
notice-label-saved = The label is saved.
notice-label-deleted = The label is deleted and taken off every conversation.
notice-contact-blocked = The contact is blocked: their chat is closed and they cannot start a new one.
notice-contact-unblocked = The contact is unblocked: they can chat again.
notice-canned-saved = The canned response is saved. Type / and its shortcut in a reply to use it.
notice-canned-updated = The canned response is updated.
notice-canned-deleted = The canned response is deleted.
notice-widget-saved = The widget settings are saved. Pages that already show the chat pick them up on their next load.
notice-identity-secret-rotated = The identity secret is new: update it on your server, since hashes made with the old one are refused now.
notice-assignment-saved = Auto-assignment is saved.
notice-availability-saved = Business hours and follow-up are saved. The widget picks them up on its next load.
notice-notifications-saved = Your notifications are saved. An open inbox picks them up when it next loads.
notice-webhook-created = The endpoint is added. Copy its signing secret below to verify deliveries.
notice-webhook-saved = The endpoint is saved.
notice-webhook-deleted = The endpoint is deleted; no more events go to it.
notice-webhook-test-sent = A test event is on its way; its delivery shows below within seconds.
notice-retention-saved = Data retention is saved. The clean-up runs daily.
notice-contact-deleted = The contact and all of their conversations and messages are deleted.
notice-contacts-merged = The contacts are merged: all of their conversations are here now.
notice-workspace-deleted = The workspace and all of its data are deleted.
notice-language-saved = Your language is saved. The console speaks it from now on.

## Sign-up, sign-in, passwords, invitations, mailed links

password-hint = At least 8 characters.
signup-title = Create your workspace
signup-lead = Free to start. Your visitors can chat with you in minutes.
signup-name = Your name
signup-email = Work email
signup-password = Password
signup-workspace-name = Company or workspace name
signup-submit = Create workspace
signup-have-account = Already have an account?
login-title = Sign in
login-email = Email
login-password = Password
login-submit = Sign in
login-forgot = Forgot your password?
login-new = New to Parlor?
forgot-title = Reset your password
forgot-sent-before = If an account exists for
forgot-sent-after = , we have sent it a link to choose a new password. The link works for one hour.
forgot-no-email = No email after a few minutes? Check your spam folder, or
forgot-try-again = try again
forgot-lead = Enter the email you sign in with, and we will send you a link to choose a new password.
forgot-submit = Send reset link
forgot-back = Back to sign in
reset-title = Choose a new password
reset-lead = Saving it signs you out on every other device.
reset-password = New password
reset-submit = Save password and sign in
link-invalid-title = Link expired
link-invalid-heading = This link no longer works
link-invalid-reset = This password reset link has expired or has already been used.
link-invalid-reset-retry = Ask for a new link
link-invalid-confirmation = This confirmation link has expired or has already been used.
link-invalid-confirmation-retry = Send a new link from your account page
link-invalid-email-change = This email change link has expired or has already been used.
link-invalid-email-change-retry = Ask for a new link from your account page
invitation-join = Join { $workspace }
invitation-invited-before = You are invited to answer customers in
invitation-invited-as-admin = on Parlor, as an admin.
invitation-invited-as-agent = on Parlor, as an agent.
invitation-for = The invitation is for
invitation-signed-in-as = You are signed in as { $email }.
invitation-password = Choose a password
invitation-submit = Create my account and join
invitation-sign-in = Sign in to join
email-change-confirm-title = Confirm your new email address
email-change-changed-title = Email address changed
email-change-taken-title = Address already in use
email-change-confirm-before = Use
email-change-confirm-after = as the address of your Parlor account? You sign in with it from then on, and Parlor's emails go there.
email-change-confirm-submit = Use this address
email-change-changed-heading = Your email address is changed
email-change-changed-before = Your Parlor account now uses
email-change-changed-after = Sign in with it from now on.
email-change-taken-heading = This address is already in use
email-change-taken-before = Another Parlor account uses
email-change-taken-after = now, so your account keeps its address: nothing changed. You can ask for a change to another address on your account page.
email-change-account-link = Go to your account page

## Messages of forms and errors

error-name-empty = Enter your name.
error-name-invitation = Enter your name (at most 100 characters).
error-email-empty = Enter your email address.
error-email-invalid = Enter a valid email address, like name@company.com.
error-email-taken = Another Parlor account uses this address.
error-signup-taken = An account with this email already exists. Sign in, or reset your password.
error-workspace-name-empty = Enter a name for the workspace.
error-login-empty = Enter your email and password.
error-login-wrong = Incorrect email or password.
error-sign-in-required = Please sign in to continue.
error-not-found = This page does not exist, or you do not have access to it.
error-rate-limited = Too many attempts. Please wait a while and try again.
error-payload-too-large = The request body is too large.
error-unavailable = The service is not available right now. Please try again shortly.
error-internal = Something went wrong on our side. Please try again.
error-method-not-allowed = This address does not accept that kind of request.
error-bad-request = The request could not be handled.
error-at-most-chars = Use at most { $count } characters.
error-at-least-chars = Use at least { $count } characters.
error-page-dashboard = Go to your dashboard
error-page-request-id = Error { $status } · request id
error-title-400 = Bad Request
error-title-403 = Forbidden
error-title-404 = Not Found
error-title-405 = Method Not Allowed
error-title-409 = Conflict
error-title-410 = Gone
error-title-413 = Payload Too Large
error-title-422 = Unprocessable Entity
error-title-429 = Too Many Requests
error-title-500 = Internal Server Error
error-title-503 = Service Unavailable

## The front page

landing-title = Customer-support chat
landing-heading = Talk to your customers, live.
landing-lead = Paste one script tag on your website and your visitors get a chat. Your team answers them from a shared inbox.
landing-open = Open your dashboard

## Account

account-title = Account
account-profile = Profile
account-name = Name
account-name-hint = Teammates see it in the inbox, and visitors next to your replies.
account-name-save = Save name
account-avatar = Avatar
account-avatar-alt = Your avatar
account-avatar-shown = Teammates see it in the console, and visitors next to your replies in the chat.
account-avatar-none = No avatar yet: teammates and visitors see your initials instead.
account-avatar-new-picture = New picture
account-avatar-picture = Picture
account-avatar-hint = PNG, JPEG, GIF or WebP, at most { $max }. Parlor keeps a square of it
account-avatar-hint-middle = from its middle
account-avatar-hint-size = , at 256 × 256 pixels.
account-crop-hint = Drag the circle to choose what shows, or select it and use the arrow keys.
account-crop-picture = The picture you chose
account-crop-part = The part to keep
account-crop-size = Size of the part to keep
account-avatar-upload = Upload avatar
account-avatar-remove-confirm = Remove your avatar? Your initials show in its place.
account-avatar-remove = Remove avatar
account-email-confirmed = Confirmed
account-email-unconfirmed = Not confirmed
account-email-hint = You sign in with it, and Parlor's emails go there.
account-email-waiting = Waiting for confirmation:
account-email-waiting-until = The change happens when the link we sent there is opened, before { $expires }; until then you keep your current address.
account-email-cancel = Cancel the change
account-email-new = New email address
account-email-new-hint = We email a link to the new address; your address changes when it is opened (within 24 hours).
account-email-new-replaces = This replaces the change waiting above.
account-current-password = Current password
account-email-change = Change email
account-password-change = Change password
account-time-zone = Time zone
account-time-zone-hint = A name such as Europe/Paris or America/New_York. Leave it empty to use your browser's time zone.
account-time-zone-save = Save time zone
account-language = Language
account-language-hint = The console and Parlor's emails to you speak it.
account-language-save = Save language
account-language-invalid = Choose one of the languages in the list.
account-sessions = Where you are signed in
account-sessions-caption = Signed-in devices
account-device = Device
account-ip = IP address
account-signed-in = Signed in
account-last-active = Last active
account-action = Action
account-this-device = This device
account-sign-out-everywhere = Sign out everywhere

## Conversation statuses and roles

status-open = Open
status-pending = Pending
status-snoozed = Snoozed
status-resolved = Resolved
status-open-word = open
status-pending-word = pending
status-snoozed-word = snoozed
status-resolved-word = resolved
role-owner = Owner
role-admin = Admin
role-agent = Agent

## Inbox

inbox-my-status = Your status
inbox-online = Online
inbox-away = Away
inbox-search = Search messages and contacts
inbox-views = Views
inbox-view-mine = Mine
inbox-view-unassigned = Unassigned
inbox-view-all = All
inbox-status = Status
inbox-label = Label
inbox-label-any = Any
inbox-show = Show
inbox-conversations = Conversations
inbox-empty-label = No { $status } conversations labelled “{ $label }” in this view.
inbox-empty-every-label = Show every label
inbox-empty = No { $status } conversations in this view. New chats from your website appear here as they arrive.
inbox-older = Older conversations
inbox-shortcuts-press = Press
inbox-shortcuts-for = for keyboard shortcuts.
inbox-snoozed-until = until { $until }
inbox-assignee = Assignee
inbox-you = (you)
inbox-assign = Assign
inbox-assign-me = Assign to me
inbox-reopen = Reopen
inbox-resolve = Resolve
inbox-mark-pending = Mark pending
inbox-snooze = Snooze
inbox-snooze-for = Snooze for
inbox-snooze-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
inbox-snooze-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
inbox-snooze-weeks = { $count ->
    [one] { $count } week
   *[other] { $count } weeks
}
inbox-snooze-until = Until…
inbox-snooze-until-label = Until (for “Until…”)
inbox-messages-with = Messages with { $name }
inbox-load-older = Load older messages
inbox-no-messages = No messages yet.
inbox-reply = Reply
inbox-canned = Canned responses
inbox-files-to-send = Files to send
inbox-attach = Attach a file
inbox-internal-note = Internal note (only your team sees it)
inbox-send = Send
inbox-composer-hint = Enter sends, Shift+Enter adds a line, / inserts a canned response.
inbox-attach-hint = Drop or paste files to attach them, up to { $max } each.
inbox-contact = Contact
inbox-view-contact = View contact
inbox-online-now = Online now
inbox-offline = Offline
inbox-blocked = Blocked
inbox-blocked-by = by { $name }, { $when }.
inbox-blocked-by-former = by a former member, { $when }.
inbox-blocked-hint = Their chat was closed and they cannot start a new one or send messages. Replies to them are refused; internal notes still work.
inbox-unblock = Unblock
inbox-unblock-admins = Only owners and admins can unblock a contact.
inbox-identity-before = Identity not verified: this visitor's page says they are user
inbox-identity-after = , without your website's signature. Their name and email are unconfirmed, and they see only their own conversations.
inbox-save-contact = Save contact
inbox-current-page = Current page
inbox-came-from = Came from
inbox-browser = Browser
inbox-system = System
inbox-user-id = User id
inbox-unverified-title = The page said so without your website's signature (user_hash)
inbox-unverified = unverified
inbox-verified = verified
inbox-first-seen = First seen
inbox-rating = Rating
inbox-rated = Rated { $score } out of 5
inbox-not-rated = Not rated yet.
inbox-attributes = Attributes
inbox-files = Files
inbox-no-files = No files yet.
inbox-past = Past conversations
inbox-past-none = None before this one.
inbox-past-messages = { $count } messages
inbox-block = Block
inbox-block-name = Block { $name }
inbox-block-hint = Their chat closes at once; they cannot start a new one or send messages until an owner or admin unblocks them.
inbox-block-confirm = Block { $name }? Their chat closes and they cannot write again until an owner or admin unblocks them.
inbox-block-contact = Block contact
inbox-none-open-empty = When visitors write from your website, their conversations appear on the left, live.
inbox-none-open = Choose a conversation on the left, or press
inbox-shortcuts = Keyboard shortcuts
inbox-shortcut-next = Next / previous conversation
inbox-shortcut-resolve = Resolve (or reopen)
inbox-add-label = Add a label
inbox-shortcut-in-reply = in a reply
inbox-shortcut-canned = Insert a canned response
inbox-shortcut-help = This help
inbox-notify-on = Turn on desktop notifications
inbox-notify-choose = Choose what notifies you
inbox-close = Close
inbox-row-online = (online)
inbox-row-unread = { $count } unread
inbox-row-labels = Labels:
inbox-row-assigned = Assigned to { $name }
inbox-note-tag = Internal note
inbox-view-original-email = View original email
inbox-labels = Labels
inbox-no-labels = No labels
inbox-label-remove = Remove { $name }
inbox-label-remove-full = Remove label { $name }
inbox-labels-none-defined = No labels yet: admins add them in
inbox-labels-settings = Settings, Labels
inbox-add = Add

## Get started

home-welcome = Welcome to Parlor, { $name }!
home-get-started = Get started with { $workspace }
home-install = Add the chat to your website
home-install-text = Paste this tag into the HTML of every page where visitors should be able to chat, just before
home-team = Bring your team
home-team-before = See who is in this workspace on the
home-team-after = page.
home-answer = Answer your customers
home-answer-before = Conversations will arrive in the
snippet-label = Install snippet
snippet-copy = Copy snippet

## Contacts

contacts-search-label = Search by name, email or user id
contacts-search = Search
contacts-clear = Clear
contacts-no-match = No contact matches “{ $query }”. Search finds whole words: a name, an email address or a part of it (“ada” finds ada@example.com), a user id.
contacts-no-older = No older contacts.
contacts-back-newest = Back to the newest
contacts-none = No contacts yet
contacts-none-text = People appear here, most recently seen first, as soon as they write to you from the chat on your website, or once your website tells Parlor who they are (a name, an email or a user id).
contacts-install = Install the widget
contacts-install-after = if you have not yet.
contacts-caption = People, last seen first
contacts-caption-matching = People matching “{ $query }”, last seen first
contacts-last-seen = Last seen
contacts-no-name = (no name given)
contacts-none-given = none
contacts-older = Older contacts

## Team

team-caption = People in this workspace
team-role = Role
team-actions = Actions
team-role-of = Role of { $name }
team-change-role = Change role
team-of-name = of { $name }
team-make-owner-confirm = Hand the workspace over to { $name }? You become an admin.
team-make-owner = Make owner
team-remove-confirm = Remove { $name }? They are signed out at once.
team-remove = Remove
team-invite = Invite a teammate
team-seats = { $count ->
    [one] of { $count } seat used (members and pending invitations).
   *[other] of { $count } seats used (members and pending invitations).
}
team-seats-add = Add seats in Billing
team-seats-add-after = to invite more.
team-seats-ask = Ask the workspace's owner to add seats.
team-invite-agent = Agent: answers conversations
team-invite-admin = Admin: also manages the team and the widget
team-invite-button = Send invitation
team-waiting = Waiting for an answer
team-waiting-none = No invitation is waiting.
team-revoke = Revoke
team-revoke-of = the invitation of { $email }
team-leave-heading = Leave this workspace
team-leave-confirm = Leave { $workspace }?
team-leave = Leave { $workspace }

## Settings

settings-name = Workspace name
settings-save = Save
settings-name-short = Name:
settings-name-admins = Only owners and admins can change it.
settings-site-key = Site key
settings-workspace-id = Workspace id
settings-api-keys = API keys
settings-api-text = Connect other systems through the REST API.
settings-api-manage = Manage API keys
settings-notifications = Your notifications
settings-notifications-text = Desktop notifications, sounds and emails for new conversations, conversations assigned to you and visitors writing in them.
settings-notifications-choose = Choose your notifications
settings-admin = Workspace administration
settings-assignment = Auto-assignment
settings-assignment-text = give new conversations to available agents in turn, up to a limit each.
settings-availability = Business hours and email follow-up
settings-availability-text = when you answer, the offline message, when unseen replies are emailed.
settings-labels-text = the names your team sorts conversations by, and their colours.
settings-attributes = Contact attributes
settings-attributes-text = what your team records about each contact (a plan, a renewal date), typed.
settings-webhooks = Webhooks
settings-webhooks-text = send conversation and message events to your systems, signed.
settings-privacy = Data and privacy
settings-privacy-text = retention, exports, deleting the workspace.
settings-audit = Audit log
settings-audit-text = who changed what, and when.
settings-canned-before = Saved replies your team inserts by typing
settings-canned-after = in a reply.
settings-canned-manage = Manage canned responses
new-workspace-text = A workspace is one website or brand, with its own widget, inbox and team. You will be its owner.
search-no-match = Nothing matches “{ $query }”. Search finds whole words in messages, names and email addresses.
search-results = Results
search-message = Message
search-back = Back to the inbox

## Auto-assignment and business hours

assignment-now = Right now
assignment-none-available = No agent is available: nobody has the inbox open, or everyone is away.
assignment-available = { $count ->
    [one] { $count } agent is available.
   *[other] { $count } agents are available.
}
assignment-none-waiting = No open conversation is waiting unassigned.
assignment-waiting = { $count ->
    [one] { $count } open conversation is unassigned.
   *[other] { $count } open conversations are unassigned.
}
assignment-who = Who answers new conversations
assignment-legend = Assign new conversations
assignment-mode-manual = Off: agents pick conversations themselves
assignment-mode-round-robin = Round-robin among available agents
assignment-mode-hint = Round-robin gives each new conversation at once to the available agent (inbox open, not away) who has waited longest for one, skipping agents at the limit. When nobody can take it, it waits unassigned; waiting conversations go, oldest first, to the next agent who comes online, turns available or drops under the limit. A conversation the visitor reopens while its agent is offline or away goes to someone available.
assignment-limit = Most open conversations per agent
assignment-limit-hint = From 1 to 100. Counts the agent's open conversations, however they were assigned; agents may still take more by hand.
availability-hours = Business hours
availability-title = Business hours and follow-up
availability-errors = Nothing was saved. Please fix:
availability-hours-hint = Outside these hours the widget says you are away, shows your offline message and asks visitors for their email; their messages are emailed to your team at once. Right now you are
availability-open-now = open
availability-closed-now = closed
availability-enabled = Use business hours (off: always open)
availability-zone-hint = A name such as Europe/Paris or America/New_York.
availability-caption = Opening hours, in that time zone
availability-day = Day
availability-open = Open
availability-from = From
availability-until = Until
availability-open-on = Open on { $day }
availability-opens-at = { $day } opens at
availability-closes-at = { $day } closes at
availability-offline = Offline message
availability-offline-hint = Shown in the widget when you are closed or no agent is online.
availability-follow-up = Email follow-up
availability-follow-up-hint = When a visitor who left their email has not seen an agent's reply, the reply is emailed to them once, with any others sent meanwhile. Visitor messages nobody reads in that time are emailed to your team (to the assignee, or to everyone).
availability-wait = Wait before emailing (minutes)
day-monday = Monday
day-tuesday = Tuesday
day-wednesday = Wednesday
day-thursday = Thursday
day-friday = Friday
day-saturday = Saturday
day-sunday = Sunday

## A contact

contact-blocked-since = since { $since }: their chat is closed and they cannot start a new one. Unblock them from the contact panel of one of their conversations.
contact-identity-after = , without your website's signature. Their name and email are unconfirmed.
contact-details = Details
contact-merge = Merge with another contact…
contact-no-conversations = { $name } has not written yet. Their conversations show here, newest first, once they do.
contact-messages = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
privacy-heading = Privacy
privacy-export-contact = Export this contact's data (JSON)
privacy-delete-contact-confirm = Delete { $name } with all of their conversations and messages? This cannot be undone.
privacy-delete-contact = Delete contact and messages
attributes-none = No contact attributes are defined yet.
attributes-define = Define attributes
attributes-define-after = , such as a plan or a renewal date, and your team fills them in here.
attributes-admins = Owners and admins define them in Settings.
attributes-refused = Nothing was saved: correct the fields marked below.
attributes-not-set = Not set
attributes-not-an-option = (not an option)
attributes-misfit = Stored before this attribute was defined: it stays as it is until you change it.
attributes-misfit-option = Stored before this attribute was defined, or before its option was removed: it stays as it is until you change it.
attributes-empty-clears = Leave a field empty to clear it.
attributes-save = Save attributes
attributes-other = Other attributes
attributes-other-hint = sent by your website, not defined in Settings

## Labels, canned responses, notifications

labels-intro-before = Labels sort your conversations: “billing”, “bug”, “vip”. Agents put them on a conversation from the inbox (or press
labels-intro-after = ), and the inbox shows only one label’s conversations when you pick it in the list’s Label filter.
labels-new = New label
labels-at-most = This workspace has { $max } labels, the most it can have. Delete one to add another.
labels-colour = Colour
labels-add = Add label
labels-count = { $count } of { $max }
labels-none = No labels yet. Add the first one above: a name your team will recognise at a glance.
labels-name-of = Name of { $name }
labels-colour-of = Colour of { $name }
labels-delete-confirm = Delete the label “{ $name }”? It is taken off every conversation that has it.
labels-delete = Delete
canned-intro-before = Saved replies for the questions you answer every day. In a reply, type
canned-intro-after = and the shortcut to insert one.
canned-new = New canned response
canned-shortcut = Shortcut
canned-save = Save canned response
canned-saved = Saved
canned-none = None yet. Add the answers you type most often.
canned-edit = Edit
canned-save-changes = Save changes
canned-cancel = Cancel
canned-delete-confirm = Delete /{ $shortcut }?
notifications-title = Notifications
notifications-intro = How Parlor tells you what happens in { $workspace }. These choices are yours alone, and for this workspace only.
notifications-when = Tell me when
notifications-caption = Notifications for each event: desktop, sound and email
notifications-event = Event
notifications-save = Save notifications
notifications-desktop = Desktop notifications and sounds
notifications-desktop-text = They come from the inbox while it is open in a tab, never for your own messages, and not for the conversation you are looking at. Desktop notifications also need this browser's permission.
notifications-allow = Allow desktop notifications
notifications-team-email = Visitor messages that nobody reads in time, or that arrive outside business hours, are emailed to the team whatever you choose here (see Business hours and follow-up).
inbox-js-typing-one = { $name } is typing…
inbox-js-typing-many = { $names } are typing…
inbox-js-viewing-one = { $name } is also viewing this conversation.
inbox-js-viewing-many = { $names } are also viewing this conversation.
inbox-js-new-conversation = New conversation: { $name }
inbox-js-by-auto = By auto-assignment
inbox-js-by = By { $name }
inbox-js-assigned = A conversation is assigned to you
inbox-js-notify-on = Desktop notifications are on
inbox-js-notify-blocked = Notifications are blocked in this browser
inbox-js-not-sent = Not sent: { $reason }
inbox-js-offline = Offline: your reply goes out when the connection is back.
inbox-js-still-uploading = Your files are still uploading: send when they are ready.
inbox-js-upload-failed-some = Some files did not upload: retry or remove them first.
inbox-js-sending = Sending…
inbox-js-too-many-files-one = At most 10 files go with one message: { $count } was left out.
inbox-js-too-many-files-many = At most 10 files go with one message: { $count } were left out.
inbox-js-file-empty = This file is empty.
inbox-js-file-too-large = This file is larger than { $max }.
inbox-js-upload-failed-status = The upload failed ({ $status }).
inbox-js-upload-failed-connection = The upload failed: the connection was lost.
inbox-js-upload-of = Upload of { $name }
inbox-js-retry = Retry
inbox-js-ready = Ready
inbox-js-uploading = Uploading… { $percent }%
inbox-js-canned-no-match = No canned response matches /{ $query }.
inbox-js-canned-none = No canned responses yet: add them in Settings.

## API keys, audit log, data and privacy

api-keys-intro-before = Other systems use the REST API at
api-keys-intro-header = with a key in the header
api-keys-intro-after = A key acts as you, within its scopes, on every conversation of this workspace: keep it on a server, and give it only the scopes it needs.
api-keys-new = Your new key
api-keys-copy-now = Copy it now: it is shown this once.
api-keys-key = API key
api-keys-copy = Copy key
api-keys-create-heading = Create a key
api-keys-scopes = Scopes
api-keys-read = Read
api-keys-read-text = conversations, messages and contacts
api-keys-write = Write
api-keys-write-text = send messages, change conversations and contacts
api-keys-admin-text = invite people; works only while you are an owner or admin
api-keys-create = Create key
api-keys-keys = Keys
api-keys-none = No keys yet.
api-keys-key-column = Key
api-keys-created = Created
api-keys-last-used = Last used
api-keys-revoke-confirm = Revoke { $name }? Systems using it stop working at once.
audit-none = Nothing yet. Changes to settings, the team, API keys, webhooks and data show here.
audit-caption = Admin actions, newest first
audit-when = When
audit-who = Who
audit-what = What
audit-details = Details
audit-older = Older events
privacy-retention = Retention
privacy-retention-hint = Conversations resolved longer ago than this are deleted with their messages, once a day. Contacts stay. Leave it empty to keep everything.
privacy-retention-days = Delete resolved conversations after (days)
privacy-retention-save = Save retention
privacy-export = Export
privacy-export-text = Download all of this workspace's data: members, widget settings, canned responses, webhook endpoints, contacts, conversations, messages and the audit log, as JSON lines. Secrets are left out.
privacy-export-all = Export all data
privacy-export-one = To export or delete one person's data, open one of their conversations in the inbox and use the contact panel.
privacy-audit-text = Who changed settings, the team, keys, webhooks and data, and when.
privacy-audit-open = Open the audit log
privacy-delete = Delete this workspace
privacy-delete-text = Deletes the workspace with all of its conversations, contacts and settings, at once and for good. The widget stops working on your site.
privacy-delete-type = Type
privacy-delete-type-after = to confirm
privacy-delete-button = Delete the workspace for good
privacy-delete-owner = Only the workspace's owner can delete it.
webhooks-intro = Parlor POSTs each event you choose to your endpoint, signed with the endpoint's secret, and retries failed deliveries for 24 hours. How to verify a delivery is described under "Webhooks" in the API documentation
webhooks-endpoints = Endpoints
webhooks-none = No endpoint yet. Add one below to receive events.
webhooks-caption = Webhook endpoints
webhooks-events = Events
webhooks-state = State
webhooks-active = Active
webhooks-paused = Paused
webhooks-add-heading = Add an endpoint
webhooks-url = Endpoint URL
webhooks-add = Add endpoint

## Billing

billing-failed = Your last payment failed.
billing-failed-text = Stripe will try again; update your payment method so that your team keeps its seats.
billing-update-payment = Update payment method
billing-plan = Plan: { $plan }
billing-trialing = Free trial
billing-past-due = Payment overdue
billing-price = Price
billing-trial-ends = Trial ends
billing-ends-on = Ends on
billing-renews-on = Renews on
billing-seats = Seats
billing-seats-hint = (members and pending invitations)
billing-this-month = This month
billing-conversations-month = Conversations this month
billing-storage = File storage
billing-storage-hint = (files sent in conversations)
billing-storage-used = File storage used
billing-cancel-hint = The subscription ends at the end of the period; the workspace then returns to the Free plan and keeps all of its data.
billing-portal = Manage payment methods, invoices and seats
billing-portal-hint = Opens Stripe's customer portal; you come back here afterwards.
billing-upgrade = Upgrade
billing-plan-legend = Plan
billing-seats-field-hint = One per member, including pending invitations ({ $used } now).
billing-start-trial = Start the free trial
billing-continue = Continue to payment
copy-done = Copied to the clipboard.
copy-by-hand = Press Ctrl+C (⌘C on a Mac) to copy.
notifications-granted = This browser shows desktop notifications.
notifications-denied = This browser blocks desktop notifications from Parlor: allow them in its site settings.
notifications-unsupported = This browser cannot show desktop notifications; sounds still play.
account-avatar-too-large = This picture is larger than { $max }. Choose a smaller one.
notify-event-new-conversation = A visitor starts a new conversation
notify-event-assigned = A conversation is assigned to me
notify-event-new-message = A visitor writes in a conversation assigned to me
notify-hint-new-conversation = Email: at most one a minute; conversations started meanwhile come together.
notify-hint-assigned = By a teammate or by auto-assignment; not when you take it yourself.
notify-hint-new-message = Email: only while you are offline or away, at most one per conversation every 10 minutes.
notify-channel-desktop = Desktop
notify-channel-sound = Sound
canned-placeholders = Placeholders, filled in when the reply is inserted:
canned-placeholder-contact-name = (the contact's name, or the name the inbox gives them)
canned-placeholder-contact-email = (empty when unknown)
canned-placeholder-agent-name = (your name)

## Merging contacts

merge-kept = Kept
merge-merged = Merged into it, then deleted
merge-title = Merge { $name }
merge-confirm-heading = Merge { $other } into { $kept }?
merge-lead = When the same person came twice (say once anonymously, once with their email), merging makes them one contact with all of their conversations.
merge-what-happens = What happens
merge-choose-another = Choose another contact
merge-nothing-to-move = { $name } has no conversation to move.
merge-moves = { $count ->
    [one] { $count } conversation of { $other } moves to { $kept }, with their messages and files: { $kept } will have { $total }.
   *[other] { $count } conversations of { $other } move to { $kept }, with their messages and files: { $kept } will have { $total }.
}
merge-keeps-place = { $kept } keeps their place in the inbox and the API (their id)
merge-takes = , and takes what they lack from { $other }: { $filled }
merge-both-values = Where both have a value, { $kept }'s stays.
merge-attributes-added = { $count ->
    [one] { $count } attribute of { $other } is added
   *[other] { $count } attributes of { $other } are added
}
merge-attributes-left-out = { $count ->
    [one] { $count } is left out, since a contact has at most 50
   *[other] { $count } are left out, since a contact has at most 50
}
merge-blocked = { $name } is blocked, so the merged contact will be too: the chat windows of both close, and neither can start a new one until an owner or admin unblocks them.
merge-chat-carries-on = If { $other } has the chat open, it carries on as { $kept }, with all of the conversations.
merge-then-deleted = { $name } is then deleted. This cannot be undone.
merge-into = Merge into { $name }
merge-keep-instead = Keep { $name } instead
merge-heading = Merge { $name } with another contact
merge-choose-lead = Choose the contact to merge into { $name }, who is kept with the other's conversations. The next page shows both side by side before anything changes.
merge-recent = People seen recently
merge-matching = People matching “{ $query }”
merge-no-one = No one else to merge with yet.
merge-no-match = No other contact matches “{ $query }”. Search finds whole words: a name, an email address or a part of it, a user id.
merge-candidate-label = Merge { $other } into { $kept }
merge-conversations = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
merge-last-seen = last seen
merge-at-most = At most 50 are shown: search to find someone else.

## Contact attributes

attributes-intro-before = Attributes are what your team knows about a contact beyond their name and email: a plan, a company, a renewal date. Every member fills them in on a contact's page and in the inbox's contact panel; your website sets them with
attributes-intro-after = and other systems with the REST API, both by the attribute's key.
attributes-new = New attribute
attributes-at-most = This workspace has { $max } attributes, the most it can have. Delete one to add another.
attributes-optional = (optional)
attributes-key-placeholder = made from the label: plan
attributes-key-hint-before = What your website and the API call it. Left empty, it is made from the label (“Plan tier” becomes
attributes-key-hint-after = ). Letters, digits, - and _; it cannot change later.
attributes-type = Type
attributes-options = Options
attributes-options-for-list = (for a list)
attributes-options-hint = One a line: 1 to { $max } options, each up to { $chars } characters.
attributes-add = Add attribute
attributes-none-yet = No attributes yet. Add the first one above, such as “Plan” as a list of your plans, or “Renewal date” as a date.
attributes-options-edit-hint = One a line. Contacts who have an option you remove keep it until someone changes it.
attributes-delete-title = Delete { $label }
attributes-delete-heading = Delete “{ $label }”?
attributes-delete-what = What deleting it does
attributes-delete-the = The attribute
attributes-delete-goes = goes, and with it its value on
attributes-delete-none = no contact: none has one.
attributes-delete-holders = { $count ->
    [one] { $count } contact
   *[other] { $count } contacts
}
attributes-delete-undone = This cannot be undone.
attributes-delete-still-before = If your website still sends
attributes-delete-still-after = , new values show under “Other attributes” on contacts, without a type.
attributes-delete-button = Delete attribute and its values
type-text = Text
type-number = Number
type-date = Date
type-boolean = Yes or no
type-list = List
webhook-title = Webhook endpoint
webhook-secret = Signing secret
webhook-headers = Headers
webhook-active = Active (paused endpoints receive nothing)
webhook-test = Send a test event
webhook-delete-confirm = Delete this endpoint? Events stop going to it at once.
webhook-delete = Delete endpoint
webhook-deliveries = Recent deliveries
webhook-no-delivery = No delivery yet. Events show here as they are sent; try "Send a test event".
webhook-caption = The latest 50 deliveries, newest first
webhook-result = Result
webhook-response = Response
webhook-attempts = Attempts
webhook-delivered = Delivered
webhook-failed = Failed
webhook-next-try = next try { $when }

## Reports

reports-own = Your own conversations and ratings.
reports-covers = What the report covers
reports-range = Date range
reports-to = To
reports-everyone = Everyone
reports-any-label = Any label
reports-show = Show report
reports-days-in = days in { $zone }.
reports-business-hours = Times count business hours only ({ $hours }, { $zone }).
reports-every-hour = Times count every hour;
reports-set-hours = set business hours in
reports-availability-link = Settings → Availability
reports-admin-hours = an admin can set business hours in Settings → Availability
reports-summary = Summary
reports-started = Conversations started
reports-median-first = Median first response
reports-satisfied-4-5 = Satisfied (4 or 5)
reports-ratings = { $count ->
    [one] { $count } rating
   *[other] { $count } ratings
}
reports-none = No conversations in this range
reports-none-text = Nothing was started, resolved or rated between { $range }
reports-for-filter = for this filter
reports-longer = Choose a longer range
reports-longer-admin = , or everyone and any label
reports-per-day = Conversations per day
reports-none-range = No conversations in this range.
reports-per-day-caption = Conversations started, resolved and still open, per day
reports-col-started = Started
reports-still-open = Still open
reports-total = Total
reports-csv = Download CSV
reports-csv-days = of conversations per day
reports-response-times = Response times
reports-none-answered = No conversation was answered or resolved in this range.
reports-durations-caption = First response and resolution times
reports-measure = Measure
reports-median = Median
reports-p90 = 90th percentile
reports-count = Count
reports-csv-times = of response times
reports-csat = Customer satisfaction
reports-no-ratings = No ratings in this range.
reports-by-score = Ratings by score
reports-rated-4-5 = { $percent } rated 4 or 5
reports-score = Score
reports-ratings-col = Ratings
reports-share = Share
reports-csv-ratings = of ratings by score
reports-comments = Latest comments
reports-no-comments = No rating in this range came with a comment.
reports-open-conversation = Open the conversation
reports-csv-comments = of the latest comments
reports-agents = Agents
reports-your-figures = Your figures
reports-no-agents = No agent answered or was assigned a conversation in this range.
reports-agents-caption = Each agent's conversations, replies, response times and ratings
reports-your-caption = Your conversations, replies, response times and ratings
reports-replies = Replies
reports-first-response-col = First response (median / 90th)
reports-resolution-col = Resolution (median / 90th)
reports-satisfied = Satisfied
reports-replies-hint = Replies are counted for each agent as they are sent, not by label: the column shows a dash while a label is chosen.
reports-csv-agents = of the agents' figures
reports-busiest = Busiest hours
reports-busiest-hint = Conversations started, by day of the week and hour, in { $zone }.
reports-busiest-chart = Busiest hours chart, scrolls sideways
reports-busiest-table = Busiest hours table, scrolls sideways
reports-busiest-caption = Conversations started by day and hour
reports-csv-hours = of the busiest hours
inbox-preview-note = Note:
inbox-preview-agent = Agent:
reports-today = Today
reports-last-7-days = Last 7 days
reports-last-30-days = Last 30 days
reports-first-response = First response
reports-resolution = Resolution
role-agent-word = agent
role-admin-word = admin

## Refusals of the settings forms (labels, canned responses, webhooks, contact attributes, business hours)
form-label-name-control = A label's name cannot hold control characters.
form-label-colour = Choose a colour like #2563eb.
form-canned-shortcut = A shortcut is 1 to 32 letters, digits, - or _, like refund-policy.
form-webhook-url-empty = Enter the URL that should receive the events, like https://example.com/parlor.
form-webhook-url-invalid = Enter a full URL, like https://example.com/parlor.
form-webhook-url-scheme = The URL must start with https:// (or http://).
form-webhook-url-credentials = Leave credentials out of the URL; verify the signature instead.
form-webhook-url-host = The URL has no host.
form-webhook-url-private = This address is on a private network, which Parlor cannot reach.
form-webhook-events = Choose at least one event from the list.
form-attribute-label-control = A label cannot hold control characters.
form-attribute-no-key = This label gives no key: type one, with letters a to z, digits, - and _.
form-attribute-option-control = An option cannot hold control characters.
form-attribute-options-list-only = Only a list has options.
form-attribute-one-line = Use one line of text, without control characters.
form-attribute-number = Enter a number, like 42 or 3.5.
form-attribute-date = Enter a date as YYYY-MM-DD, like 2026-12-03.
form-attribute-boolean = Enter yes or no.
form-followup-delay = Wait between 0.5 and 1440 minutes (a day) before emailing a reply.
form-hours-one-day = Open on at least one day, or turn business hours off.
form-time-zone = Choose a time zone such as Europe/Paris.
form-label-name-length = A label's name is 1 to { $max } characters.
form-label-limit = A workspace has at most { $max } labels; delete one to add another.
form-canned-limit = A workspace has at most { $max } canned responses.
form-canned-body-length = The reply is 1 to { $max } characters.
form-webhook-limit = A workspace has at most { $max } webhook endpoints; delete one first.
form-attribute-label-length = A label is 1 to { $max } characters.
form-attribute-key = A key is 1 to { $max } letters a to z (either case), digits, - and _, starting with a letter or digit.
form-attribute-option-length = An option is 1 to { $max } characters.
form-attribute-options-count = A list has 1 to { $max } options.
form-attribute-limit = A workspace has at most { $max } contact attributes; delete one to add another.
form-offline-message-length = Write an offline message of 1 to { $max } characters.
form-label-taken = There is already a label named “{ $name }”.
form-canned-taken = The shortcut /{ $shortcut } is taken; choose another.
form-attribute-taken = An attribute with the key “{ $key }” exists already.
form-attribute-choose = Choose one of its options: { $options }.
