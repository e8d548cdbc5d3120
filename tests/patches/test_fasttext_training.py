"""curate.patches.fasttext_training: fastText trains the same, correct model in a process whose heap
holds garbage (where its own call gives "Encountered NaN" or a model at chance)."""
import json
import subprocess
import sys
import textwrap


def _train_in_dirty_process(tmp_path, tag: str) -> dict:
    """A new interpreter fills and frees heap memory with NaN bytes, then trains twice with the patch."""
    data = tmp_path / "train.txt"
    if not data.exists():
        import random

        r = random.Random(0)
        fruit, transport = ["apple", "pear", "plum", "fig"], ["car", "bus", "tram", "bike"]
        data.write_text("".join(f"__label__a {' '.join(r.choice(fruit) for _ in range(8))}\n"
                                f"__label__b {' '.join(r.choice(transport) for _ in range(8))}\n" for _ in range(300)))
    script = textwrap.dedent(f"""
        import hashlib, json
        import numpy as np
        junk = [np.full(n, np.nan, np.float32) for n in range(64, 30000, 37)]  # heap blocks of NaN, then freed
        del junk
        from curate.patches import fasttext_training
        out = []
        for i in range(2):
            m = fasttext_training.train_supervised({str(data)!r}, epoch=5, thread=1, verbose=0)
            path = {str(tmp_path)!r} + f"/{tag}-{{i}}.bin"
            m.save_model(path)
            out.append({{"sha": hashlib.sha256(open(path, "rb").read()).hexdigest(),
                         "fruit": m.predict("apple fig pear")[0][0], "transport": m.predict("bus tram")[0][0]}})
        print(json.dumps(out))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_training_in_a_used_heap_is_correct_and_repeatable(tmp_path):
    first = _train_in_dirty_process(tmp_path, "a")
    again = _train_in_dirty_process(tmp_path, "b")
    assert all(r["fruit"] == "__label__a" and r["transport"] == "__label__b" for r in first + again), first + again
    assert len({r["sha"] for r in first + again}) == 1  # one thread, zeroed start: the same bytes every time
