# Die Einstellungsseite des Widgets.
widget-settings-title = Widget

## Die Sprachen des Widgets und die Texte, die der Workspace in jeder schreibt
cw-default-language = Standardsprache
cw-default-language-hint = Besucher, deren Browser keine der Sprachen des Widgets wünscht, bekommen diese; ihre Texte springen für jeden Text ein, der in einer anderen Sprache fehlt.
cw-texts-heading = Texte nach Sprache
cw-texts-intro = Was das Widget Besuchern sagt, die { $language } lesen. Ein leerer Text zeigt den der Standardsprache.
cw-texts-language = Sprache
cw-show = Anzeigen
cw-language-default = { $language } (Standard)
cw-greeting = Begrüßung
cw-launcher-text = Text der Schaltfläche
cw-launcher-hint = (optional; ohne ihn zeigt die Schaltfläche nur ein Symbol)
cw-offline-message = Abwesenheitsnachricht
cw-offline-hint = (außerhalb der Geschäftszeiten oder wenn niemand online ist)
cw-csat-question = Bewertungsfrage
cw-csat-hint = (unter einer erledigten Unterhaltung; leer: „{ $question }“)
cw-save-texts = Texte speichern
cw-error-greeting = Die Begrüßung darf höchstens { $max } Zeichen lang sein.
cw-error-launcher-text = Der Text der Schaltfläche darf höchstens { $max } Zeichen lang sein.
cw-error-offline-message = Die Abwesenheitsnachricht darf höchstens { $max } Zeichen lang sein.
cw-error-offline-empty = Schreib eine Abwesenheitsnachricht: Auf die der Standardsprache greifen alle anderen zurück.
cw-error-csat-question = Die Bewertungsfrage darf höchstens { $max } Zeichen lang sein.
cw-error-language = Wähle eine der Sprachen.
