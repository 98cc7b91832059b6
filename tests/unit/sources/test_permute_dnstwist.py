"""Every name dnstwist's fuzzers make for a name is among ours (dnstwist run offline, as a library)."""

from __future__ import annotations

import dnstwist
import pytest

from mirrorhunt.sources.permute import permutations

NAMES = [
    "salon-lumiere.fr",
    "example.com",
    "bank-paris.co.uk",
    "xn--mnchen-3ya.de",
    "thepiratebay.org",
    "chat-libre.info",
    "a1b2c3.gg",
]
WORDS = ["chat", "new", "official"]
TLDS = ["gg", "to", "com", "net", "co.uk", "fr"]


@pytest.mark.parametrize("name", NAMES)
def test_dnstwist_output_is_a_subset_of_ours(name: str) -> None:
    fuzzer = dnstwist.Fuzzer(name, dictionary=WORDS, tld_dictionary=TLDS)
    fuzzer.generate()
    theirs = {p["domain"]: p["fuzzer"] for p in fuzzer.domains if p["fuzzer"] != "*original"}
    ours = {p.name for p in permutations(name, tlds=TLDS, words=WORDS)}
    missing = {domain: kind for domain, kind in theirs.items() if domain not in ours and domain != name}
    assert len(theirs) > 100
    assert not missing, sorted(missing.items())[:20]
