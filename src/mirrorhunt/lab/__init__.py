"""A simulated internet on loopback for demos, tests and benchmarks (docs/lab.md)."""

from mirrorhunt.lab.envfile import write_env_file
from mirrorhunt.lab.lab import Lab, LabThread
from mirrorhunt.lab.spec import SiteSpec, load_spec

__all__ = ["Lab", "LabThread", "SiteSpec", "load_spec", "write_env_file"]
