"""The Textual app: ``envtui [PATH]`` opens it through ``envtui.ui.app.run_app``."""
