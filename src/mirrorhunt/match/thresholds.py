"""Every number the verdict depends on, in one place. Tuned on the dev pairs only (../shared/eval)."""

from __future__ import annotations

# Text: share of word 3-grams in common, over the larger page's count.
CONTENT_MIRROR = (
    0.6  # needed (with corroboration) for `mirror`; a mirror with ~10% of words changed keeps ~0.7
)
CONTENT_REVIEW = 0.35  # a person should look; unrelated pages stay below ~0.15, same-template pages too
TRUNCATED_MIN_COVER = (
    0.2  # a cut-short candidate is measured on its own text if it holds this much of the reference ...
)
TRUNCATED_MIN_SHARED = 30  # ... or shares this many 3-grams (a paragraph), CONTENT_MIRROR of its own text
RARE_WORDS_REVIEW = (
    0.4  # share of the reference text's rare words that, with some shared text, asks for review
)
RARE_WORDS_MIN_TEXT = 0.15  # ... the shared text it needs: same-template strangers stay below ~0.15
MIN_SHARED_SHINGLES = 10  # fewer shared 3-grams than this is no text evidence at all (empty, parked pages)

# Independent kinds that can corroborate the text (none of them counts on its own).
STRUCTURE_AGREES = 0.7  # tag-path similarity; unrelated pages reach ~0.8, so this only corroborates
ASSET_NAMES_AGREE = 0.5  # Jaccard of script and stylesheet file names
CLASS_NAMES_AGREE = 0.6  # Jaccard of class and id names

# Score bands: the verdict fixes the band, the strength of the evidence the place inside it.
MIRROR_BAND = (0.8, 1.0)
REVIEW_BAND = (0.6, 0.8)  # the text (shingles or rare words) asks for a look
REVIEW_IDENTITY_BAND = (0.4, 0.6)  # only an identifier, favicon, TLS key or redirect is shared
UNRELATED_BAND = (0.0, 0.4)

# Weights of each signal in the strength of the evidence (noisy-OR). Structure, assets and title
# count only in proportion to the text similarity: the same template with other words is no evidence.
WEIGHT_CONTENT = 0.8
WEIGHT_STRUCTURE = 0.5
WEIGHT_ASSETS = 0.4
WEIGHT_TITLE = 0.3
WEIGHT_FAVICON = 0.6
WEIGHT_INDICATORS = 0.6
WEIGHT_RARE = 0.4
WEIGHT_TRANSPORT = 0.6  # same TLS public key, a certificate naming both sites, a redirect from the reference

# Reference index: a candidate is compared in full only with references that share a band of the text
# MinHash (64 bands of 2 rows: Jaccard 0.2 is shortlisted 94% of the time, 0.43, a mirror's least, all
# but never) and whose estimated Jaccard is at least the floor, or that share a favicon or an identifier.
INDEX_BANDS = 64
INDEX_ROWS = 2
INDEX_MIN_JACCARD = 0.08
