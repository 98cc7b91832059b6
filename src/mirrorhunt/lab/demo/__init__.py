"""The demo case that `mirrorhunt demo` runs on the lab."""

from mirrorhunt.lab.demo.scenario import DemoScenario, build_demo

__all__ = ["DemoScenario", "build_demo"]
