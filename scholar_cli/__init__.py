"""scholar: keep an academic homepage true."""

__version__ = "0.1.0"
