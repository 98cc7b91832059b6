"""mirrorhunt: find the mirrors of court-seized platforms and block them at the DNS level."""

from mirrorhunt.errors import MirrorhuntError

__version__ = "0.1.0"

__all__ = ["MirrorhuntError", "__version__"]
