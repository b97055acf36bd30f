# The widget settings page.
widget-settings-title = Widget

## The widget's languages and the texts the workspace writes in each
cw-default-language = Default language
cw-default-language-hint = Visitors whose browsers ask for none of the widget's languages get this one, and its texts stand in for any text missing in another language.
cw-texts-heading = Texts by language
cw-texts-intro = What the widget says to visitors who read { $language }. An empty text shows the default language's.
cw-texts-language = Language
cw-show = Show
cw-language-default = { $language } (default)
cw-greeting = Greeting
cw-launcher-text = Button text
cw-launcher-hint = (optional; the button shows only an icon without it)
cw-offline-message = Away message
cw-offline-hint = (outside business hours, or while no one is online)
cw-csat-question = Rating question
cw-csat-hint = (asked under a resolved conversation; empty: “{ $question }”)
cw-save-texts = Save texts
cw-error-greeting = Keep the greeting under { $max } characters.
cw-error-launcher-text = Keep the button text under { $max } characters.
cw-error-offline-message = Keep the away message under { $max } characters.
cw-error-offline-empty = Write an away message: the default language's is the one every other falls back to.
cw-error-csat-question = Keep the rating question under { $max } characters.
cw-error-language = Choose one of the languages.
