"""A lab case whose mirrors are each reachable through exactly one channel the monitor covers.

``salon-lumiere.fr`` (seized) redirects to ``lanterne-sombre.xyz``; ``salon-lumiere.gg`` (TLD swap, no
certificate) carries the platform with a "nouvelle adresse" banner naming ``abri-nocturne.org`` and an
analytics ID the reference lacks; ``lumiere-veille.net`` is seen only in the CT log (keyword);
``phare-ancien.com`` shares only the reference's favicon, ``phare-bleu.com`` only the mirror's analytics
ID and ``phare-discret.com`` only the mirror's own name servers (``NAMESERVERS``; all three are probed
for another case, ``phares``, whose keyword they carry); ``refuge-42.org`` is a tip.
Only the CT-only name and the other case's sites have certificates: the rest cannot be seen in CT.

``WIDER`` are the channels that need more than the base settings: an affix with another TLD and a
look-alike letter (typos swept), a name whose certificate is only in a second, tiled, CT log
(``tiled_log``), and a name that only appears in a zone file of a watched folder (``zone_file``).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from mirrorhunt.clock import SystemClock
from mirrorhunt.lab import SiteSpec
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.ctlog import CtLog, CtServer
from mirrorhunt.lab.demo.scenario import DECOYS_DIR, SEIZED
from mirrorhunt.sources.ctlist import LogInfo, log_list_document

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
    "phare-discret.com": "pivot",
    "refuge-42.org": "tip",
}
TIP = "refuge-42.org"
NAMESERVERS = ("ns1.hote-discret.example", "ns2.hote-discret.example")
"""The DNS host of ``salon-lumiere.gg`` and ``phare-discret.com``: every other site uses the lab's own."""
AFFIX = "salon-lumiere-fr.net"
HOMOGLYPH = "salon-lumière.fr"
HOMOGLYPH_A_LABEL = "xn--salon-lumire-6db.fr"
TILED_CT = "veilleur-lumiere.site"
ZONE = "lumiere-eternelle.club"
WIDER = {
    AFFIX: "permutation:affix",
    HOMOGLYPH_A_LABEL: "permutation:homoglyph",
    TILED_CT: "ct",
    ZONE: "zone",
}
ZONE_SERIES = "club"


def build(root: Path) -> list[SiteSpec]:
    """Write the sites' files under ``root`` and return the lab's sites."""
    seized_html = (SEIZED / "index.html").read_text(encoding="utf-8")
    sites: list[SiteSpec] = []

    def serve(
        name: str,
        html: str,
        *,
        favicon: bool = True,
        assets: bool = True,
        tls: bool = False,
        nameservers: tuple[str, ...] = (),
    ) -> None:
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(html, encoding="utf-8")
        if assets:
            shutil.copytree(SEIZED / "assets", folder / "assets")
        if favicon:
            shutil.copy(SEIZED / "favicon.ico", folder / "favicon.ico")
        sites.append(SiteSpec(name=name, files=folder, tls=tls, nameservers=nameservers))

    def mirror(name: str, *, banner: str = "") -> str:
        html = seized_html.replace(SEIZED_NAME, name)
        return html.replace("<main", f"{banner}<main", 1)

    banner = (
        "<div class='lm-annonce'>Nous avons déménagé ! Notre nouvelle adresse : abri-nocturne.org</div>"
        f"<script>ga('create', '{ANALYTICS}', 'auto');</script>"
    )
    sites.append(SiteSpec(name=SEIZED_NAME, redirect="http://lanterne-sombre.xyz/", tls=False))
    serve("salon-lumiere.gg", mirror("salon-lumiere.gg", banner=banner), nameservers=NAMESERVERS)
    serve("lumiere-veille.net", mirror("lumiere-veille.net"), tls=True)
    serve("lanterne-sombre.xyz", mirror("lanterne-sombre.xyz"))
    serve("abri-nocturne.org", mirror("abri-nocturne.org"))
    serve(TIP, mirror(TIP))
    for name in (AFFIX, HOMOGLYPH, TILED_CT, ZONE):
        serve(name, mirror(name))
    cinema = (DECOYS_DIR / "cinema.html").read_text(encoding="utf-8")
    serve("phare-ancien.com", cinema, assets=False, tls=True)
    salon = (DECOYS_DIR / "hair-salon.html").read_text(encoding="utf-8")
    tagged = salon.replace("</body>", f"<script>ga('create', '{ANALYTICS}', 'auto');</script></body>", 1)
    serve("phare-bleu.com", tagged, favicon=False, assets=False, tls=True)
    parked = (DECOYS_DIR / "parked.html").read_text(encoding="utf-8").replace("{name}", "phare-discret.com")
    serve("phare-discret.com", parked, favicon=False, assets=False, tls=True, nameservers=NAMESERVERS)
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


def zone_file(folder: Path, *, date: int, names: list[str]) -> Path:
    """A ``.club`` zone file of ``date`` delegating ``names`` (and a few unrelated ones), moved in whole."""
    text = "$ORIGIN club.\n$TTL 3600\n@ 3600 IN SOA a.nic.club. h.nic.club. 1 7200 900 1209600 3600\n"
    for name in ["atelier-bois.club", "jardin-partage.club", *names]:
        text += f"{name}. 86400 IN NS ns1.dns-host.net.\n{name}. 86400 IN NS ns2.dns-host.net.\n"
    path = folder / f"{ZONE_SERIES}-{date}.zone"
    written = folder / f".{path.name}.part"
    written.write_text(text, encoding="utf-8")
    written.rename(path)
    return path


@contextlib.asynccontextmanager
async def tiled_log(folder: Path, *, names: list[str]) -> AsyncIterator[Path]:
    """A second CT log, served only as a tiled log, that has logged a certificate for ``names``;
    yields a log list naming it."""
    now = datetime.now(UTC)
    ca = LabCA(now=now)
    log = CtLog(clock=SystemClock())
    log.add(ca.issue(names, now=now).der, chain=[ca.der])
    server = CtServer(log, roots=[ca.der])
    await server.start(host="127.0.0.1", port=0)
    key = serialization.load_pem_public_key(log.public_key_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    url = f"http://127.0.0.1:{server.port}/tiles/"
    info = LogInfo(
        operator="lab", description="tiled", kind="tiled", url=url, key=key, log_id=log.log_id, state="usable"
    )
    path = folder / "log_list.json"
    path.write_text(json.dumps(log_list_document([info])), encoding="utf-8")
    try:
        yield path
    finally:
        await server.stop()
