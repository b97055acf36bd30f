# Die Einstellungsseite des Widgets.
widget-settings-title = Widget
