"""Probe: resolve a candidate and capture its landing page, safely and within bounds."""

from mirrorhunt.probe.dns import Resolver
from mirrorhunt.probe.runner import Prober
from mirrorhunt.probe.safety import check_address

__all__ = ["Prober", "Resolver", "check_address"]
