"""Fixed parameters of the sample: where it goes, its seeds, its languages and its site names.

Everything that decides the output bytes and is not read from the shared data lives here, so a
change to the sample's shape is a change to this one file.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from langid.labels import normalise

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "curate" / "sample"
SNAPSHOT = "CC-MAIN-SAMPLE"
N_SHARDS = 4
NS = uuid.UUID("6f1c1d2e-8a3b-5c4d-9e0f-c0ffee5a3b1e")  # uuid5 namespace of this sample
BASE_DATE = datetime(2024, 5, 20, 8, 0, 0, tzinfo=timezone.utc)
SEED = 20240520

TRAF_KW = dict(favor_precision=True, include_comments=False, deduplicate=True)

# lingua ISO 639-1 -> FineWeb2 language_script code, by the project's own label normalisation
FW2 = {iso: "_".join(normalise(iso)) for iso in (
    "zh", "ja", "th", "ar", "hi", "ko", "ru", "el", "he", "fa", "tr", "vi", "pl", "sw", "id", "ms", "bs",
    "hr", "sr", "fr", "es", "it", "pt", "nl", "sv", "fi", "cs", "uk", "de", "en", "hu", "no", "an")}
LINGUA_LANGS = ["zh", "ja", "th", "ar", "hi", "ko", "ru", "el", "he", "fa", "tr", "vi", "pl",
                "sw", "id", "ms", "bs", "hr", "sr", "fr", "es", "it", "pt", "nl", "sv", "fi",
                "cs", "uk", "de"]
NO_SPACE = {"zh", "ja", "th"}          # scripts without word spaces: size targets in characters
RTL = {"ar", "he", "fa"}
TLD = {"zh": "cn", "ja": "jp", "th": "co.th", "ar": "eg", "hi": "in", "ko": "kr", "ru": "ru",
       "el": "gr", "he": "co.il", "fa": "ir", "tr": "com.tr", "vi": "vn", "pl": "pl", "sw": "co.tz",
       "id": "co.id", "ms": "com.my", "bs": "ba", "hr": "hr", "sr": "rs", "fr": "fr", "es": "es",
       "it": "it", "pt": "pt", "nl": "nl", "sv": "se", "fi": "fi", "cs": "cz", "uk": "com.ua",
       "de": "de", "en": "com"}
SITES = ["daily-herald", "city-courier", "metro-journal"]
COPY_SITES = ["newsmirror", "contentfarm", "aggregator", "reposter"]
NEAR_SITES = ["regional-digest", "press-review"]

BLOCKED_DOMAIN = "allcasinoreviews.com"   # in datatrove's url_filterblacklistsv0_3_0 `domains`


def shard_name(s: int) -> str:
    """File name of shard ``s``; the writer, the paths listing and the verifier all use it."""
    return f"{SNAPSHOT}-{s:05d}.warc.gz"
