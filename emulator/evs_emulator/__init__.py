"""A local emulator of the cloud APIs used by the dataprotection.evs collection."""

__version__ = "0.1.0"
