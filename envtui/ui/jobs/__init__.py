"""The job UI: keys and dialogs that run install / upgrade / uninstall / sync jobs, and the Jobs view.

``JobActions`` is a screen mixin (bindings, actions, handlers); the main screen inherits it.
The engine itself is ``envtui.core.jobs.engine``; this package only shows it.
"""
