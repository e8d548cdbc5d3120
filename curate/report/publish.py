"""`curate publish OUTPUT --repo-id ORG/NAME`: push the data, the card and its pictures to the Hugging Face Hub.

Uploads go through `huggingface_hub.HfApi.upload_folder` in several commits of bounded size (the Hub
handles many small commits better than one huge one, and an interruption loses at most one batch).
Before uploading, files already on the Hub with the same content (LFS sha256, or git blob id for small
files) are skipped, so re-running after an interruption resumes where it stopped. The card goes in the
last commit: the Hub shows the new configs only once their files are there.
The token comes from huggingface_hub's own chain (HF_TOKEN, then the stored `hf auth login` token);
this module never reads, prints or writes it.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys

PATTERNS = ("data/*/*/*.parquet", "README.md", "card_*.png", "rehydration_weights.json")
CARD_FILES = ("README.md", "card_*.png", "rehydration_weights.json")
MAX_COMMIT_BYTES = 2 * 1024**3
MAX_COMMIT_FILES = 100


def local_files(output: str) -> list[tuple[str, int]]:
    """(path relative to OUTPUT, size) of what gets published, data first, card files last."""
    out = []
    for root, _dirs, files in os.walk(output):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), output).replace(os.sep, "/")
            if any(fnmatch.fnmatchcase(rel, p) for p in PATTERNS) and ".tmp-" not in rel:
                out.append((rel, os.path.getsize(os.path.join(output, rel))))
    return sorted(out, key=lambda f: (any(fnmatch.fnmatchcase(f[0], p) for p in CARD_FILES), f[0]))


def batches(files: list[tuple[str, int]], max_bytes: int, max_files: int) -> list[list[str]]:
    """Consecutive groups within both bounds (a single file larger than max_bytes gets its own commit);
    card files always form the last group."""
    out: list[list[str]] = []
    size = 0
    card_started = False
    for rel, n in files:
        is_card = any(fnmatch.fnmatchcase(rel, p) for p in CARD_FILES)
        if not out or len(out[-1]) >= max_files or (size + n > max_bytes and out[-1]) or (is_card and not card_started):
            out.append([])
            size = 0
        card_started |= is_card
        out[-1].append(rel)
        size += n
    return out


def content_ids(path: str) -> tuple[str, str]:
    """(sha256, git blob sha1): the Hub reports the first for LFS files and the second for regular ones."""
    sha256, size = hashlib.sha256(), os.path.getsize(path)
    blob = hashlib.sha1(f"blob {size}\0".encode())
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha256.update(chunk)
            blob.update(chunk)
    return sha256.hexdigest(), blob.hexdigest()


def already_there(api, repo_id: str, revision: str | None, output: str, paths: list[str]) -> set[str]:
    """Paths whose content on the Hub equals the local file."""
    from huggingface_hub import RepoFile

    same = set()
    for i in range(0, len(paths), 500):
        chunk = paths[i:i + 500]
        for info in api.get_paths_info(repo_id, chunk, repo_type="dataset", revision=revision):
            if not isinstance(info, RepoFile):
                continue
            sha256, blob = content_ids(os.path.join(output, info.path))
            if (info.lfs and info.lfs.sha256 == sha256) or info.blob_id == blob:
                same.add(info.path)
    return same


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="curate publish", description="upload an output's data and card to the Hugging Face Hub")
    p.add_argument("output", help="a local output folder")
    p.add_argument("--repo-id", required=True, help="ORG/NAME of the dataset repository (created if missing)")
    p.add_argument("--private", action="store_true", help="create the repository as private")
    p.add_argument("--revision", help="branch to push to (created from main if missing; default: main)")
    p.add_argument("--allow-failed-shards", action="store_true", help="publish even if some shards failed")
    p.add_argument("--max-commit-bytes", type=int, default=MAX_COMMIT_BYTES)
    p.add_argument("--max-commit-files", type=int, default=MAX_COMMIT_FILES)
    a = p.parse_args(argv)
    if "://" in a.output:
        p.error("publish reads a local folder; copy the output locally first (e.g. `aws s3 sync`)")
    from curate.config import PipelineConfig
    from curate.report.card import write_card
    from curate.store import storage

    stats = json.loads(storage.read_text(storage.join(a.output, "stats.json")))
    failed = stats["shards"]["failed"]
    if failed and not a.allow_failed_shards:
        print(f"error: {len(failed)} of {stats['shards']['total']} shards failed ({', '.join(failed[:5])}"
              f"{', ...' if len(failed) > 5 else ''}); the dataset is incomplete. Re-run the pipeline to retry them, "
              "or pass --allow-failed-shards to publish anyway.", file=sys.stderr)
        return 1
    # Re-render so the card's loading examples name the repository (and pictures/weights are current).
    write_card(PipelineConfig.from_yaml(json.dumps(stats["config"]), output=a.output), stats, repo_id=a.repo_id)

    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi()
    try:
        url = api.create_repo(a.repo_id, repo_type="dataset", private=a.private, exist_ok=True)
        if a.revision:
            api.create_branch(a.repo_id, repo_type="dataset", branch=a.revision, exist_ok=True)
        files = local_files(a.output)
        done = already_there(api, a.repo_id, a.revision, a.output, [f for f, _n in files])
        todo = [f for f in files if f[0] not in done]
        groups = batches(todo, a.max_commit_bytes, a.max_commit_files)
        print(f"{url}: {len(files)} files, {len(done)} already up to date, {len(todo)} to upload in "
              f"{len(groups)} commit(s)", file=sys.stderr)
        for i, group in enumerate(groups, 1):
            api.upload_folder(folder_path=a.output, repo_id=a.repo_id, repo_type="dataset", revision=a.revision,
                              allow_patterns=group, commit_message=f"curate publish ({stats['config_hash']}): "
                              f"{i}/{len(groups)}, {len(group)} files")
            print(f"commit {i}/{len(groups)}: {len(group)} files", file=sys.stderr)
    except HfHubHTTPError as e:
        # The message names the request, never the token; re-running resumes after the last commit.
        print(f"error: the Hub refused a request: {e}. Committed batches stay; re-run to resume.", file=sys.stderr)
        return 1
    print(url)
    return 0
