"""A lab case whose mirrors are each reachable through exactly one channel the monitor covers.

``salon-lumiere.fr`` (seized) redirects to ``lanterne-sombre.xyz``; ``salon-lumiere.gg`` (TLD swap, no
certificate) carries the platform with a "nouvelle adresse" banner naming ``abri-nocturne.org`` and an
analytics ID the reference lacks; ``lumiere-veille.net`` is seen only in the CT log (keyword);
``phare-ancien.com`` shares only the reference's favicon and ``phare-bleu.com`` only the mirror's analytics
ID (both are probed for another case, ``phares``, whose keyword they carry); ``refuge-42.org`` is a tip.
Only the CT-only name and the other case's sites have certificates: the rest cannot be seen in CT.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mirrorhunt.lab import SiteSpec
from mirrorhunt.lab.demo.scenario import DECOYS_DIR, SEIZED

CASE = "lumiere"
OTHER_CASE = "phares"
SEIZED_NAME = "salon-lumiere.fr"
ANALYTICS = "UA-4242424-7"
EXPECTED = {
    "salon-lumiere.gg": "permutation:tld-swap",
    "lumiere-veille.net": "ct",
    "lanterne-sombre.xyz": "redirect",
    "abri-nocturne.org": "announcement",
    "phare-ancien.com": "pivot",
    "phare-bleu.com": "pivot",
    "refuge-42.org": "tip",
}
TIP = "refuge-42.org"


def build(root: Path) -> list[SiteSpec]:
    """Write the sites' files under ``root`` and return the lab's sites."""
    seized_html = (SEIZED / "index.html").read_text(encoding="utf-8")
    sites: list[SiteSpec] = []

    def serve(name: str, html: str, *, favicon: bool = True, assets: bool = True, tls: bool = False) -> None:
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(html, encoding="utf-8")
        if assets:
            shutil.copytree(SEIZED / "assets", folder / "assets")
        if favicon:
            shutil.copy(SEIZED / "favicon.ico", folder / "favicon.ico")
        sites.append(SiteSpec(name=name, files=folder, tls=tls))

    def mirror(name: str, *, banner: str = "") -> str:
        html = seized_html.replace(SEIZED_NAME, name)
        return html.replace("<main", f"{banner}<main", 1)

    banner = (
        "<div class='lm-annonce'>Nous avons déménagé ! Notre nouvelle adresse : abri-nocturne.org</div>"
        f"<script>ga('create', '{ANALYTICS}', 'auto');</script>"
    )
    sites.append(SiteSpec(name=SEIZED_NAME, redirect="http://lanterne-sombre.xyz/", tls=False))
    serve("salon-lumiere.gg", mirror("salon-lumiere.gg", banner=banner))
    serve("lumiere-veille.net", mirror("lumiere-veille.net"), tls=True)
    serve("lanterne-sombre.xyz", mirror("lanterne-sombre.xyz"))
    serve("abri-nocturne.org", mirror("abri-nocturne.org"))
    serve(TIP, mirror(TIP))
    cinema = (DECOYS_DIR / "cinema.html").read_text(encoding="utf-8")
    serve("phare-ancien.com", cinema, assets=False, tls=True)
    salon = (DECOYS_DIR / "hair-salon.html").read_text(encoding="utf-8")
    tagged = salon.replace("</body>", f"<script>ga('create', '{ANALYTICS}', 'auto');</script></body>", 1)
    serve("phare-bleu.com", tagged, favicon=False, assets=False, tls=True)
    return sites


def other_reference(root: Path) -> Path:
    """The other case's reference page, a file."""
    path = root / "phares-reference.html"
    shutil.copy(DECOYS_DIR / "lighting-shop.html", path)
    return path


def seized_reference(root: Path) -> tuple[Path, Path]:
    """The seized page and its favicon, as files."""
    page, icon = root / "reference.html", root / "reference.ico"
    shutil.copy(SEIZED / "index.html", page)
    shutil.copy(SEIZED / "favicon.ico", icon)
    return page, icon
