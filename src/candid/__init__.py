"""candid: portraits that keep the person and hold up at 100 %."""

__version__ = "0.1.0"
