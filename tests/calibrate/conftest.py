import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# lingua-rs code -> FineWeb2 code of the fixture files lingua_{code}.jsonl
LINGUA = {"fr": "fra_Latn", "de": "deu_Latn", "ru": "rus_Cyrl", "zh": "cmn_Hani", "ar": "arb_Arab", "th": "tha_Thai"}


def read_docs(name: str) -> list[str]:
    return [json.loads(line)["text"] for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def en_ref() -> list[str]:
    return read_docs("eng_Latn_reference.jsonl")


@pytest.fixture(scope="session")
def en_cc() -> list[str]:
    return read_docs("eng_Latn_cc.jsonl")
