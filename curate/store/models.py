"""Model files named by a URI, fetched once per node into the per-node cache (``$CURATE_CACHE/models``).

One fetcher for every model the pipeline loads (language ID, quality scorers):
  * a local path (file or folder);
  * ``s3://bucket/key``: one object, or with ``folder=True`` every object under the prefix;
  * ``hf://owner/repo/file`` (one file) or ``hf://owner/repo`` (a whole repo: tokenizer + weights),
    fetched with ``huggingface_hub`` only when asked for.
Parallel workers of a node take a file lock, so a model is downloaded once.
"""
from __future__ import annotations

import os

from curate.store import storage
from curate.store.cache import cache_root


class ModelFetchError(FileNotFoundError):
    """A model named by a URI cannot be found or fetched."""


def cache_dir() -> str:
    return os.path.join(cache_root(), "models")


def lock(path: str):
    from filelock import FileLock

    os.makedirs(os.path.dirname(path), exist_ok=True)
    return FileLock(path + ".lock")


def fetch_s3(uri: str, folder: bool = False) -> str:
    """Local copy of an S3 object (or of every object under a prefix); cached by URI: delete the cached
    copy to pick up a changed object."""
    bucket, _, key = uri[len("s3://"):].partition("/")
    local = os.path.join(cache_dir(), "s3", bucket, *key.strip("/").split("/"))
    with lock(local):
        done = local + ".complete" if folder else local
        if not os.path.exists(done):
            try:
                if folder:
                    prefix = uri.rstrip("/") + "/"
                    objects = storage.list_files(prefix)
                    if not objects:
                        raise ModelFetchError(f"no objects under {prefix}")
                    for obj in objects:
                        storage.download_file(obj, os.path.join(local, *obj[len(prefix):].split("/")))
                    open(done, "w").close()
                else:
                    storage.download_file(uri, local)
            except ModelFetchError:
                raise
            except Exception as e:  # botocore ClientError 404/403, no credentials, ...
                raise ModelFetchError(f"cannot fetch {uri}: {e}") from e
    return local


def fetch_hub(repo_id: str, filename: str | None) -> str:
    """A file of a hub repo, or (filename None) the whole repo as a folder, in huggingface_hub's cache."""
    from huggingface_hub import hf_hub_download, snapshot_download

    # huggingface_hub locks its own cache too; ours also serialises the metadata calls
    with lock(os.path.join(cache_dir(), "hf", repo_id.replace("/", "--"), filename or "_snapshot")):
        try:
            return hf_hub_download(repo_id, filename) if filename else snapshot_download(repo_id)
        except Exception as e:  # offline, unknown repo/file, gated repo, ...
            raise ModelFetchError(f"cannot fetch hf://{repo_id}{'/' + filename if filename else ''}: {e}") from e


def split_hub(uri: str) -> tuple[str, str | None]:
    """hf://owner/repo[/file] -> (owner/repo, file or None)."""
    parts = uri[len("hf://"):].strip("/").split("/")
    if len(parts) < 2 or not all(parts):
        raise ModelFetchError(f"bad hub id {uri!r}: expected hf://owner/repo[/file]")
    return "/".join(parts[:2]), "/".join(parts[2:]) or None


def fetch(uri: str, folder: bool = False) -> str:
    """Local path of the model file or folder `uri` names, downloading it once per node if remote."""
    if uri.startswith("s3://"):
        return fetch_s3(uri, folder)
    if uri.startswith("hf://"):
        return fetch_hub(*split_hub(uri))
    path = os.path.abspath(os.path.expanduser(uri))
    if not (os.path.isdir(path) if folder else os.path.isfile(path)):
        raise ModelFetchError(f"{'folder' if folder else 'file'} not found: {uri!r}")
    return path
