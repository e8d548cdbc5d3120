"""curate.patches.datatrove_dependency_check answers as datatrove's own check does, and fails the same way."""
import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap

import pytest


def _answers(names: list[str], fast: bool, path: str = "") -> dict:
    """Each name's answer in a fresh interpreter (the answers are cached per process)."""
    script = textwrap.dedent(f"""
        import json
        from datatrove.utils import _import_utils
        if {fast!r}:
            from curate.patches import datatrove_dependency_check as dependency_check
            dependency_check.install()
            dependency_check.install()  # twice: still one wrapper
            assert _import_utils._is_distribution_available.__wrapped__.__name__ == "is_distribution_available"
        print(json.dumps({{n: _import_utils._is_distribution_available(n) for n in {names!r}}}))
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [path, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_same_answers_as_datatrove(tmp_path):
    # a distribution whose directory name is not its Name: only datatrove's scan finds it by Name
    (tmp_path / "odd_dir-1.0.dist-info").mkdir()
    (tmp_path / "odd_dir-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: Actual-Name\nVersion: 1.0\n")
    installed = sorted({(d.metadata.get("Name") or "") for d in importlib.metadata.distributions()} - {""})
    names = [n.lower() for n in installed[::10]] + [  # every tenth installed name (datatrove's scan: 0.08 s a name),
        "spacy", "tldextract", "jieba", "indic-nlp-library", "pyahocorasick", "fasteners",  # those datatrove asks for
        # not installed, another spelling than the package's Name, an upper-case request (datatrove lower-cases only the Name)
        "fasttext-numpy2-wheel", "no-such-package-xyz", "indic_nlp_library", "Jinja2", "PyYAML", "pyyaml", "scikit_learn",
        "actual-name", "odd-dir", "odd_dir"]
    fast, stock = _answers(names, True, str(tmp_path)), _answers(names, False, str(tmp_path))
    assert fast == stock
    assert fast["spacy"] is fast["actual-name"] is True and fast["no-such-package-xyz"] is fast["Jinja2"] is fast["odd-dir"] is None


def test_a_missing_dependency_still_raises_datatroves_error():
    from datatrove.utils._import_utils import check_required_dependencies

    from curate.patches import datatrove_dependency_check as dependency_check

    dependency_check.install()
    with pytest.raises(ImportError, match="no_such_module_xyz"):
        check_required_dependencies("some step", ["no_such_module_xyz"])
    check_required_dependencies("some step", ["spacy", ("fasttext", "fasttext-numpy2-wheel")])  # both installed here
