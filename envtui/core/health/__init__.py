"""Health: checks of the environment and its service, the hooks around changes, and trust."""
