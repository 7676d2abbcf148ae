"""`casekit browse`: the library as a keyboard-driven terminal app.

`data` holds what the app shows, as plain data (no Textual): the sections
with their counts, each section's rows and columns, the links between items.
`app` is the Textual app and its main screen; `screens` holds the screens
pushed over it (search, the timeline view, help). A new screen is a
`textual.screen.Screen` added to `BrowseApp.SCREENS` with a key binding on
the app; it reads the same `Library` of loaded cases and may call
`BrowseApp.open` to show an item on the main screen.

Textual is imported by `casekit.browse.app` and `casekit.browse.screens`
alone, so no other command pays for it.
"""
