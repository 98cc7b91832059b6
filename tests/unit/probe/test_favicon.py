from yarl import URL

from mirrorhunt.probe.favicon import favicon_url

PAGE = URL("https://salon.gg/chat/")


def test_without_a_declared_icon_the_default_path_is_used() -> None:
    assert favicon_url(PAGE, b"<html><head><title>x</title></head></html>") == URL(
        "https://salon.gg/favicon.ico"
    )
    assert favicon_url(PAGE, b"") == URL("https://salon.gg/favicon.ico")


def test_a_declared_icon_on_the_same_host_is_used_relative_to_the_page() -> None:
    html = b'<link rel="stylesheet" href="s.css"><link rel="Shortcut Icon" href="img/i.png">'
    assert favicon_url(PAGE, html) == URL("https://salon.gg/chat/img/i.png")


def test_an_icon_on_another_host_is_not_fetched() -> None:
    html = b'<link rel="icon" href="https://cdn.example/i.png">'
    assert favicon_url(PAGE, html) == URL("https://salon.gg/favicon.ico")


def test_non_http_icons_and_lookalike_rels_are_ignored() -> None:
    html = b'<link rel="icon" href="data:image/png;base64,AAAA"><link rel="iconic" href="/x.png">'
    assert favicon_url(PAGE, html) == URL("https://salon.gg/favicon.ico")


def test_undecodable_bytes_do_not_break_parsing() -> None:
    html = b'\xff\xfe<link rel="icon" href="/\xe9.ico">'
    assert favicon_url(PAGE, html).path.endswith(".ico")
