# The widget settings page.
widget-settings-title = Widget
