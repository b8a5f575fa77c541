"""envtui: see and change a Python virtual environment through uv, safely."""

__version__ = "0.1.0"
