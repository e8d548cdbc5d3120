"""The layer rule of docs/DESIGN.md: every import of the project's own code points down (or stays in its
room), including imports inside functions; and configuration never travels through the environment."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# lowest first; a module may import its own room and the rooms listed before it
LAYERS = [
    "curate.config",
    "curate.store",
    "curate.patches",
    "langid",
    "filters",
    "quality",
    "curate.stages",
    "curate.report",
    "curate.audit",
    "curate.run",
    "pipelines",
]


def room(module: str) -> str | None:
    return next((r for r in sorted(LAYERS, key=len, reverse=True) if module == r or module.startswith(r + ".")), None)


def modules() -> dict[str, Path]:
    out = {}
    for top in ("curate", "langid", "filters", "quality", "pipelines"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            if "sample" in rel.parts:
                continue
            out[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = path
    return out


KNOWN = set(modules())


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of the project's packages, top-level or not."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            # `from curate import patches` imports the module curate.patches, `from x.y import f` the module x.y
            found += [(node.lineno, f"{base}.{a.name}" if f"{base}.{a.name}" in KNOWN else base) for a in node.names]
    return [(line, m) for line, m in found if m.split(".")[0] in ("curate", "langid", "filters", "quality", "pipelines")]


def test_every_room_of_the_layout_exists():
    found = modules()
    for r in LAYERS:
        assert any(m == r or m.startswith(r + ".") for m in found), r
    stray = sorted(m for m in found if room(m) is None and m != "curate")
    assert not stray, f"modules outside every room of the layer rule: {stray}"


def test_imports_point_down():
    rank = {r: i for i, r in enumerate(LAYERS)}
    upward = []
    for module, path in sorted(modules().items()):
        own = room(module)
        if own is None:
            continue
        for line, target in imports(module, path):
            other = room(target)
            if other is not None and rank[other] > rank[own]:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {target} ({other})")
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


@pytest.mark.parametrize("source, target", [
    ("from curate.run.orchestrate import run_pipeline\n", "curate.run.orchestrate"),
    ("def f():\n    from curate import patches\n", "curate.patches"),
    ("import filters.quality\n", "filters.quality"),
])
def test_the_rule_sees_every_kind_of_import(tmp_path, source, target):
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert imports("curate.store.probe", path) == [(source.count("\n", 0, source.index("import")) + 1, target)]


def test_no_configuration_travels_through_the_environment():
    """The switches that once went to workers as environment variables are read from PipelineConfig only."""
    pattern = re.compile(r"CURATE_(UNOPTIMISED|FILTER_CONFIGS)")
    hits = [f"{p.relative_to(ROOT)}" for p in list(modules().values()) + sorted((ROOT / "tests").rglob("*.py"))
            + sorted((ROOT / "bench").rglob("*.py")) if p.name != "test_layers.py"
            and pattern.search(p.read_text(encoding="utf-8"))]
    assert not hits
    shard = (ROOT / "curate" / "stages" / "shard.py").read_text(encoding="utf-8")
    assert "os.environ[" not in shard and "patches.install(not cfg.unoptimised, tuple(cfg.patches_off))" in shard
