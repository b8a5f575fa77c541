"""The app's screens: the main screen and the help screen."""
