"""Small inline pages shared by the matcher tests: a seized chat platform, its mirrors and strangers."""

from __future__ import annotations

import re

REFERENCE_URL = "https://salon-lumiere.fr/"
MIRROR_URL = "https://salon-lumiere.gg/"

_STORY = (
    "Bienvenue au Salon Lumière, le salon de discussion où les membres se retrouvent chaque soir. "
    "Créez votre profil en quelques secondes, choisissez un pseudonyme et rejoignez les salons thématiques: "
    "cinéma, musique, voyages, cuisine et rencontres. Nos modérateurs veillent jour et nuit sur la qualité "
    "des échanges et répondent aux questions des nouveaux venus. Les membres premium accèdent aux salons "
    "privés, aux messages vocaux et aux galeries de photos sans publicité. Invitez vos amis avec votre lien "
    "personnel et gagnez des crédits pour chaque inscription confirmée. Retrouvez aussi nos soirées à thème "
    "le vendredi, les quiz du dimanche et le classement mensuel des membres les plus actifs du salon."
)
_OTHER_STORY = (
    "The municipal library opens a new reading room for children on the second floor next month. "
    "Volunteers will read stories aloud every Saturday morning, and the workshop on bookbinding returns "
    "after the summer break. Visitors can borrow laptops for two hours at the front desk with a card. "
    "The exhibition about the history of the harbour stays open until the end of the year, with tours "
    "on Wednesdays. Please note that the car park behind the building is closed for repairs until later."
)


def chat_page(
    *,
    host: str = "salon-lumiere.fr",
    story: str = _STORY,
    title: str = "Salon Lumière — chat",
    asset_prefix: str = "/assets/",
    analytics: str = "UA-4242424-1",
    banner: str = "",
    name: str = "Salon Lumière",
) -> str:
    """The reference page of the seized platform, with the parts a mirror operator changes as parameters."""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{asset_prefix}lumiere-main.css?v=7">
<script src="{asset_prefix}lumiere-chat.js"></script>
<script>gtag('config', '{analytics}');</script></head>
<body class="salon-home">{banner}<header class="lum-header">
<a href="https://{host}/"><img src="/logo.png"></a>
<nav class="lum-nav"><a href="https://{host}/salons">Salons</a><a href="https://{host}/premium">Premium</a>
<a href="https://{host}/aide">Aide</a></nav></header>
<main id="lum-content"><h1 class="lum-title">{name}</h1><p class="lum-lead">{story}</p>
<form class="lum-login" action="https://{host}/login"><input name="pseudo"><button>Entrer</button></form>
</main>
<footer class="lum-footer">Contact: <a href="https://{host}/contact">https://{host}/contact</a></footer>
</body></html>"""


def other_site_page() -> str:
    """A different site altogether."""
    return f"""<!DOCTYPE html><html><head><title>City library news</title>
<link rel="stylesheet" href="/css/site.css"><script src="/js/menu.js"></script></head>
<body><div class="page"><h2>News</h2><p>{_OTHER_STORY}</p></div></body></html>"""


def template_clone_page() -> str:
    """The platform's markup, classes and files carrying another site's words, with its own analytics ID."""
    return chat_page(
        host="city-library.example", story=_OTHER_STORY, title="City library", analytics="UA-999-9"
    )


def parked_page() -> str:
    """What a registrar shows on an unused name."""
    return """<html><head><title>salon-lumiere.gg is for sale</title></head><body>
<h1>This domain is parked.</h1><p>Buy it now! Contact the owner.</p></body></html>"""


def pretty(html: str) -> str:
    """Re-indented: one tag per line, two spaces per level of nesting."""
    out, depth = [], 0
    for token in re.findall(r"<[^>]+>|[^<]+", html):
        if token.startswith("</"):
            depth = max(depth - 1, 0)
        text = token.strip()
        if text:
            out.append("  " * depth + text)
        if token.startswith("<") and not token.startswith(("</", "<!", "<meta", "<link", "<img", "<input")):
            depth += 1
    return "\n".join(out)


def drift(story: str, every: int = 10) -> str:
    """Every ``every``-th word written backwards: about 10% of the words changed."""
    words = story.split(" ")
    return " ".join(w[::-1] if i % every == every - 1 else w for i, w in enumerate(words))


def mirror_banner() -> str:
    """The notice mirrors put above the page, and their own tracking script."""
    return (
        '<div class="moved">New address: <b>salon-lumiere.gg</b>. Bookmark it!</div>'
        '<script src="https://metrics-42.example/t.js" async></script>'
    )


STORY = _STORY
