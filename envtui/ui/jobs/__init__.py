"""The job UI: the job pane that runs install / upgrade / uninstall / sync jobs, and the Jobs view.

``JobPane`` (the bottom pane) takes the main screen's change keys as method calls and posts the
engine's events up; ``JobsView`` lists the jobs. The engine itself is ``envtui.core.jobs.engine``;
this package only shows it.
"""
