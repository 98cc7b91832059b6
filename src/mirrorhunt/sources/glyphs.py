"""Characters people confuse: keyboard neighbours, look-alike glyphs and Cyrillic twins of Latin letters.

Tables only; the fuzzers in ``fuzzers`` use them.
"""

from __future__ import annotations

KEYBOARDS = (
    ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)
"""QWERTY, QWERTZ and AZERTY letter and digit rows; each row sits half a key right of the one above."""


def _keyboard_neighbours() -> dict[str, str]:
    """Keys next to each key on any of ``KEYBOARDS``."""
    neighbours: dict[str, str] = {}
    for rows in KEYBOARDS:
        for r, row in enumerate(rows):
            for i, key in enumerate(row):
                near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
                if r > 0:
                    near += [rows[r - 1][j] for j in (i, i + 1) if j < len(rows[r - 1])]
                if r + 1 < len(rows):
                    near += [rows[r + 1][j] for j in (i - 1, i) if 0 <= j < len(rows[r + 1])]
                known = neighbours.get(key, "")
                neighbours[key] = known + "".join(c for c in dict.fromkeys(near) if c not in known)
    return neighbours


NEIGHBOURS = _keyboard_neighbours()

ASCII_LOOK_ALIKES: dict[str, tuple[str, ...]] = {
    "0": ("o",), "1": ("l", "i"), "3": ("8", "e"), "5": ("s",), "6": ("9",), "8": ("3",), "9": ("6",),
    "a": ("4",), "b": ("d", "lb", "8"), "c": ("e",), "d": ("b", "cl", "dl"), "e": ("c", "3"),
    "g": ("q", "9"), "h": ("lh",), "i": ("1", "l"), "k": ("lc",), "l": ("1", "i"), "m": ("n", "nn", "rn"),
    "n": ("m", "r"), "o": ("0",), "q": ("g",), "s": ("5",), "u": ("v",), "v": ("u",), "w": ("vv",),
    "rn": ("m",), "cl": ("d",), "nn": ("m",), "vv": ("w",),
}  # fmt: skip
"""ASCII strings that read like others in many fonts; keys of two letters are read as one."""

UNICODE_LOOK_ALIKES: dict[str, str] = {
    "2": "ƻ", "3": "ʒ", "5": "ƽ",
    "a": "àáâãäåāăąǎȧạɑə", "b": "ḃḅḇƅɓʙ", "c": "çćĉċčƈᴄ", "d": "ďđḋḍḏḑḓɖɗ",
    "e": "èéêëēĕėęěȩɇḛẹ", "f": "ḟƒ", "g": "ĝğġģǥǧǵɡɢ", "h": "ĥħȟḣḥḧḩḫẖɦⱨ",
    "i": "ìíîïĩīĭįıǐȋỉịɨɩɪ", "j": "ĵǰɉʝ", "k": "ķĸǩḳḵᴋⱪ", "l": "ĺļľłɫ", "m": "ḿṁṃɱᴍ",
    "n": "ñńņňŋǹṅṇṉꞑ", "o": "òóôõöøōŏőơȯọỏᴏ", "p": "ṕṗƥƿ", "q": "ʠ", "r": "ŕŗřȑȓɍɼɽɾʀṙṛṟ",
    "s": "śŝşšșṡṣʂꜱ", "t": "ţťŧƫțṫṭ", "u": "ùúûüũūŭůűųưǔȕȗʉụᴜ", "v": "ṽṿᴠᶌⱱⱴ",
    "w": "ŵẁẃẅẇẉẘᴡⱳ", "x": "ẋẍ", "y": "ýÿŷƴȳɏʏẏỳỵỿ", "z": "źżžƶẓẕʐᴢⱬ",
    "ae": "æ", "oe": "œ",
}  # fmt: skip
"""Non-ASCII letters that pass for ASCII ones (or pairs); they make IDN names."""

ASCII_ONLY_SUFFIXES = frozenset(
    ("ad", "cz", "sk", "uk", "co.uk", "nl", "edu", "us", "jp", "co.jp", "ad.jp", "ne.jp", "cn", "com.cn",
     "tw", "com.tw", "net.tw", "gov", "mil", "int")
)  # fmt: skip
"""Suffixes whose registries take no internationalised names: look-alikes there stay ASCII."""

CYRILLIC_TWINS = str.maketrans(
    {
        "a": "а", "b": "ь", "c": "с", "d": "ԁ", "e": "е", "g": "ԍ", "h": "һ", "i": "і", "j": "ј", "k": "к",
        "l": "ӏ", "m": "м", "o": "о", "p": "р", "q": "ԛ", "s": "ѕ", "t": "т", "v": "ѵ", "w": "ԝ", "x": "х",
        "y": "у",
    }
)  # fmt: skip
"""Latin letters and the Cyrillic letters drawn the same way."""

VOWELS = "aeiouy"
