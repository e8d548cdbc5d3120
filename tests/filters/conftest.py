from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def read_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def german_article() -> str:
    return read_text("deu_Latn_article.txt")


@pytest.fixture(scope="session")
def chinese_article() -> str:
    return read_text("cmn_Hani_article.txt")


@pytest.fixture(scope="session")
def thai_article() -> str:
    return read_text("tha_Thai_article.txt")
