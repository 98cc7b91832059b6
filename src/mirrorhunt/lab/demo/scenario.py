"""The demo case: a seized chat platform, its mirrors (each found through one channel) and decoys.

``salon-lumiere.fr`` was seized. Its operators came back as:

- ``salon-lumiere.gg``      same label, another TLD            (permutations: tld-swap)
- ``salon-lumeire.fr``      a typo of the label, re-indented    (permutations: transposition)
- ``lumiere-secours.net``   a new label, assets moved           (seen only in the CT log: keyword "lumiere")
- ``salon-lumiere.to``      redirects to ``nouvelle-adresse.xyz`` (tld-swap, then the redirect)
- ``nouvelle-adresse.xyz``  a new label, no keyword             (only through that redirect)
- ``refuge-77.org``         plain HTTP, no certificate, no keyword (only through a tip)

Beside them live innocent sites a sloppy matcher would block: a hair salon and a parked page under the
same label, the same chat software running a reading club, a lighting shop one typo away, a cinema whose
certificate matches the keyword.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from mirrorhunt.lab.spec import SiteSpec

SEIZED = Path(__file__).with_name("seized")
DECOYS_DIR = Path(__file__).with_name("decoys")
SEIZED_NAME = "salon-lumiere.fr"
KEYWORDS = ("lumiere",)

MIRRORS = {
    "salon-lumiere.gg": "permutation (tld swap)",
    "salon-lumeire.fr": "permutation (typo)",
    "lumiere-secours.net": "certificate transparency",
    "salon-lumiere.to": "permutation, redirects to nouvelle-adresse.xyz",
    "nouvelle-adresse.xyz": "redirect from salon-lumiere.to",
    "refuge-77.org": "tip",
}
DECOYS = (
    "salon-lumiere.de",
    "salon-lumiere.net",
    "salon-lumiere.co",
    "salon-lumieres.fr",
    "lumiere-cinema.com",
)
TIPS = ("refuge-77.org",)

_CLUB_WORDS = (
    "lecture",
    "roman",
    "chapitre",
    "auteur",
    "poésie",
    "bibliothèque",
    "emprunt",
    "marque-page",
    "relecture",
    "essai",
    "nouvelle",
    "recueil",
    "librairie",
    "rencontre",
    "dédicace",
    "critique",
    "prix",
    "lecteurs",
    "thé",
    "biscuits",
    "jeudi",
    "discussion",
    "classique",
    "polar",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoScenario:
    """The files and facts of the demo: sites to serve, the reference, tips and the truth."""

    seized_url: str
    reference: Path
    favicon: Path
    keywords: tuple[str, ...]
    sites: tuple[SiteSpec, ...]
    tips: tuple[str, ...]
    mirrors: dict[str, str]
    decoys: tuple[str, ...]


def build_demo(workdir: Path, *, seed: int = 7) -> DemoScenario:
    """Write the demo's sites under ``workdir/sites`` and describe them."""
    rng = random.Random(seed)
    seized_html = (SEIZED / "index.html").read_text(encoding="utf-8")
    sites: list[SiteSpec] = []

    def serve(
        name: str, html: str, *, assets: str = "assets", favicon: bool = True, tls: bool = True
    ) -> None:
        folder = workdir / "sites" / name
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(SEIZED / "assets", folder / assets) if assets else folder.mkdir(parents=True)
        if favicon:
            shutil.copy(SEIZED / "favicon.ico", folder / "favicon.ico")
        (folder / "index.html").write_text(html, encoding="utf-8")
        sites.append(SiteSpec(name=name, files=folder, tls=tls))

    def plain(name: str, html: str, *, tls: bool = True) -> None:
        folder = workdir / "sites" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(html, encoding="utf-8")
        sites.append(SiteSpec(name=name, files=folder, tls=tls))

    serve("salon-lumiere.gg", _banner(_moved(seized_html, "salon-lumiere.gg"), "salon-lumiere.gg"))
    serve("salon-lumeire.fr", _reindented(_moved(seized_html, "salon-lumeire.fr")))
    serve(
        "lumiere-secours.net",
        _moved(seized_html, "lumiere-secours.net").replace("/assets/", "/static/v2-417/"),
        assets="static/v2-417",
    )
    sites.append(SiteSpec(name="salon-lumiere.to", redirect="https://nouvelle-adresse.xyz/"))
    serve(
        "nouvelle-adresse.xyz", _banner(_moved(seized_html, "nouvelle-adresse.xyz"), "nouvelle-adresse.xyz")
    )
    serve("refuge-77.org", _moved(seized_html, "refuge-77.org"), tls=False)

    plain("salon-lumiere.de", _decoy("hair-salon.html"))
    serve("salon-lumiere.net", _reworded(_moved(seized_html, "salon-lumiere.net"), rng), favicon=False)
    plain("salon-lumiere.co", _decoy("parked.html").format(name="salon-lumiere.co"))
    plain("salon-lumieres.fr", _decoy("lighting-shop.html"))
    plain("lumiere-cinema.com", _decoy("cinema.html"))

    reference = workdir / "reference.html"
    reference.write_text(seized_html, encoding="utf-8")
    favicon = workdir / "reference-favicon.ico"
    shutil.copy(SEIZED / "favicon.ico", favicon)
    return DemoScenario(
        seized_url=f"https://{SEIZED_NAME}/",
        reference=reference,
        favicon=favicon,
        keywords=KEYWORDS,
        sites=tuple(sites),
        tips=TIPS,
        mirrors=dict(MIRRORS),
        decoys=DECOYS,
    )


def _decoy(file: str) -> str:
    return (DECOYS_DIR / file).read_text(encoding="utf-8")


def _moved(html: str, name: str) -> str:
    """The page as its operators serve it from a new name: links and addresses follow the name."""
    return html.replace(SEIZED_NAME, name)


def _banner(html: str, name: str) -> str:
    note = (
        f'<div class="lm-moved">Nouvelle adresse : <b>{name}</b>. Ajoutez-la à vos favoris !</div>'
        '<script src="https://compteur-42.example/t.js" async></script>'
    )
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + note, html, count=1)


def _reindented(html: str) -> str:
    """Markup re-flowed by another build tool: one tag a line, four-space indents."""
    lines = [line.strip() for line in re.sub(r">\s*<", ">\n<", html).splitlines() if line.strip()]
    return "\n".join(
        ("    " if not line.startswith(("<!", "<html", "</html")) else "") + line for line in lines
    )


def _reworded(html: str, rng: random.Random) -> str:
    """The same chat software with other words: a reading club that bought the same template."""

    def reword(match: re.Match[str]) -> str:
        return re.sub(r"[^\W\d_]{4,}", lambda _: rng.choice(_CLUB_WORDS), match.group(0))

    head, body = html.split("<body", 1)
    body = re.sub(r"(?<=>)[^<>]+(?=<)", reword, re.sub(r"<script>.*?</script>", "", body, flags=re.S))
    title = "<title>Cercle de lecture du jeudi</title>"
    return re.sub(r"<title>.*?</title>", title, head) + "<body" + body
