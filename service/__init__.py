"""What the office and the units can ask of draftdesk, as library functions.

The command line (`cli/`) and the browser desk (`web/`) both call these: each takes a workspace
and plain values, returns a value, and raises a named `DeskError` whose text is the Chinese
sentence a person reads. No function here prints, exits or knows which front end called it.
"""
