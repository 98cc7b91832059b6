import mirrorhunt.probe


def test_the_probe_package_exports_its_small_api() -> None:
    assert sorted(mirrorhunt.probe.__all__) == ["Prober", "Resolver", "check_address"]
    assert all(callable(getattr(mirrorhunt.probe, name)) for name in mirrorhunt.probe.__all__)
