"""Ray orchestration of the three stages (the only module that imports ray).

shard tasks (one per WARC shard, retried, then quarantined) -> per-language dedup task graph
(bucket shuffle, label-propagation rounds, cluster sizes) -> finalize tasks per (language,
group of parts) -> stats and card. Every stage commits markers to the output store, so a
re-run skips committed work and produces the same files.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import tempfile
import time
import traceback

import ray

from curate.config import PipelineConfig
from curate.run import resume
from curate.run.tally import ShardTally
from curate.stages import dedup, dedup_index, shuffle
from curate.stages.finalize import finalize_group
from curate.stages.shard import process_shard, shard_id, work_dir
from curate.store import storage
from curate.store.commoncrawl import resolve_shards
from curate.store.counters import Counters


def log(msg: str) -> None:
    print(f"[curate {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


_JOINED = False  # whether init_ray joined a running cluster (which may add GPU nodes on demand)


def init_ray(cfg: PipelineConfig) -> None:
    global _JOINED
    if ray.is_initialized():
        return
    kwargs = dict(include_dashboard=False, logging_level="WARNING", log_to_driver=True)
    addr = cfg.ray_address
    # where `ray start` records its address (RAY_TMPDIR moves it; infra/local.yaml uses that)
    current = os.path.join(os.environ.get("RAY_TMPDIR") or tempfile.gettempdir(), "ray", "ray_current_cluster")
    if addr is None and (os.environ.get("RAY_ADDRESS") or os.path.exists(current)):
        addr = "auto"  # a cluster started with `ray start` (e.g. by `ray up`) on this node
    if addr and addr != "local":
        try:
            ray.init(address=addr, **kwargs)
            _JOINED = True
            return
        except ConnectionError:
            if cfg.ray_address:
                raise
            log("no running Ray cluster found; starting a local instance")
    ray.init(address="local", num_cpus=cfg.num_cpus, **kwargs)


# ---------------------------------------------------------------- remote wrappers
@ray.remote
def _shard_task(uri, cfg):
    return process_shard(uri, cfg)


@ray.remote
def _task(fn, n_out, n_fixed, with_pieces, spill_prefix, *args):
    """Run a Ray-free stage function; Ray resolves top-level refs only, so piece lists come last.
    Pieces spilled to storage arrive as handles and are read here; with `spill_prefix` the
    outputs are spilled too and only their handles travel."""
    args = [shuffle.load(a) if isinstance(a, shuffle.Spilled) else a for a in args]
    out = fn(*args[:n_fixed], list(args[n_fixed:])) if with_pieces else fn(*args)
    flat = []
    for x in (out if isinstance(out, tuple) else (out,)):
        flat.extend(x if isinstance(x, list) else [x])
    if spill_prefix:
        flat = shuffle.spill(spill_prefix, flat)
    return flat[0] if n_out == 1 else tuple(flat)


def _remote(fn, n_out: int, fixed: tuple, pieces: list | None = None, spill: str | None = None) -> list:
    refs = _task.options(num_returns=n_out).remote(fn, n_out, len(fixed), pieces is not None, spill, *fixed, *(pieces or ()))
    return [refs] if n_out == 1 else list(refs)


@ray.remote
def _finalize(lang, group, parts, clusters, cfg, n_docs):
    return finalize_group(lang, group, parts, clusters, cfg, n_docs)


@ray.remote
class _QualityActor:
    """Loads the quality models once and scores data files into their sidecars."""

    def __init__(self, specs, threads: int, gpu: bool):
        from quality import load_scorer

        self.scorers = [load_scorer(s, threads=threads, gpu=gpu) for s in specs]

    def node(self) -> str:
        return ray.get_runtime_context().get_node_id()

    def score(self, data_uri: str, sidecar_uri: str) -> dict:
        from curate.stages.quality import score_file

        return score_file(data_uri, sidecar_uri, self.scorers)


def score_files(cfg: PipelineConfig, specs: list, jobs: list[tuple[str, str]]) -> list[dict]:
    """Score [(data URI, sidecar URI)] on a pool of actors, each holding the models (loaded once per
    actor, not per file). With `quality_gpus`, GPU actors where the cluster has GPUs or is a running
    cluster that can add GPU nodes (infra/aws.yaml's gpu.worker, which advertises no CPUs so extraction
    stays on the CPU nodes); they ask Ray for GPUs only, so they fit such nodes. CPU actors otherwise."""
    from ray.util import ActorPool

    res = ray.cluster_resources()
    gpus = cfg.quality_gpus if res.get("GPU", 0) > 0 or _JOINED else 0.0
    room = int(res.get("GPU", 0) // gpus) if gpus else int(res.get("CPU", 1) // max(1, cfg.quality_cpus))
    n = max(1, min(len(jobs), cfg.quality_actors or room or 1))
    opts = {"num_cpus": 0, "num_gpus": gpus} if gpus else {"num_cpus": cfg.quality_cpus}
    actors = [_QualityActor.options(**opts).remote(specs, cfg.quality_cpus, gpus > 0) for _ in range(n)]
    log(f"quality: {n} scoring actor(s), {cfg.quality_cpus} thread(s) and {gpus} GPU each")
    try:  # a GPU node the autoscaler adds takes minutes; none in time is a clear error, not a hang
        nodes = ray.get([a.node.remote() for a in actors], timeout=cfg.quality_start_timeout_s)
    except ray.exceptions.GetTimeoutError:
        for a in actors:
            ray.kill(a)
        raise RuntimeError(f"no room for {n} scoring actor(s) with {gpus} GPU each after {cfg.quality_start_timeout_s:.0f} s: "
                           "add GPU nodes (infra/aws.yaml gpu.worker) or score on CPU (quality_gpus: 0)") from None
    log(f"quality: scoring actors on node(s) {', '.join(sorted(set(nodes)))}")
    pool, out, last = ActorPool(actors), [], time.time()
    for r in pool.map_unordered(lambda a, job: a.score.remote(*job), jobs):
        out.append(r)
        if time.time() - last >= cfg.progress_interval_s or len(out) == len(jobs):
            last = time.time()
            log(f"quality: {len(out)}/{len(jobs)} files scored ({sum(x['rows'] for x in out)} documents)")
    for a in actors:
        ray.kill(a)
    return out


@ray.remote
def _call(fn, args):
    return fn(*args)


def map_tasks(fn, arg_tuples: list[tuple]) -> list:
    """fn(*args) for each args as Ray tasks, results in order."""
    return ray.get([_call.remote(fn, a) for a in arg_tuples])


def _fingerprint(*items) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:16]


def _read_json(uri: str) -> dict | None:
    try:
        return json.loads(storage.read_text(uri)) if storage.exists(uri) else None
    except (ValueError, OSError):
        return None  # unreadable marker: treat the work as not done


class Run:
    def __init__(self, cfg: PipelineConfig):
        self.cfg = cfg
        self.work = work_dir(cfg)
        self.failures: list[dict] = []
        self.timings: dict[str, float] = {}
        self.run_id = cfg.snapshot if not cfg.input else "input-" + _fingerprint(cfg.input)

    def abs(self, rel: str) -> str:
        """Markers store paths relative to the work dir, so an output store can be moved or copied."""
        return storage.join(self.work, rel)

    # ------------------------------------------------------------ stage 1
    def run_shards(self, shards: list[str]) -> ShardTally:
        cfg = self.cfg
        t = time.time()
        tally = ShardTally(shards)
        pending = resume.committed_shards(cfg, shards, tally.add)
        committed_before = tally.committed
        self.timings["resume_scan_s"] = time.time() - t
        log(f"{len(shards)} shards: {committed_before} already committed, {len(pending)} to process "
            f"(found in {self.timings['resume_scan_s']:.1f}s)")
        quarantined = resume.quarantined(cfg)
        manifest = resume.ManifestWriter(cfg)
        start, last = time.time(), 0.0
        task = _shard_task.options(max_retries=cfg.shard_retries, retry_exceptions=True)
        # a bounded window of tasks: the driver holds refs for what runs, not for the whole snapshot
        window = cfg.shard_tasks_in_flight or max(64, 4 * int(ray.cluster_resources().get("CPU", 1)))
        refs, next_i, journaled = {}, 0, 0  # pending[:next_i] submitted, pending[:journaled] named in the journal
        done_now = Counters()
        while next_i < len(pending) or refs:
            while next_i < len(pending) and len(refs) < window:
                if next_i == journaled:  # the next shards are named in the journal before the first goes out
                    journaled = min(len(pending), next_i + resume.MANIFEST_CHUNK)
                    resume.write_journal(cfg, pending[next_i:journaled])
                uri = pending[next_i]
                next_i += 1
                refs[task.remote(uri, cfg)] = uri
            # while shards wait to be submitted, refill as soon as one finishes
            ready, _ = ray.wait(list(refs), num_returns=1 if next_i < len(pending) else len(refs), timeout=cfg.progress_interval_s)
            for ref in ready:
                uri = refs.pop(ref)
                fail_uri = storage.join(self.work, "failed", shard_id(uri) + ".json")
                try:
                    m = ray.get(ref)
                    tally.add(uri, m)
                    manifest.add(m)
                    done_now.add_rows(m["counters"])
                    if resume.key(fail_uri) in quarantined:  # an earlier run's quarantine record
                        storage.delete(fail_uri)
                except Exception as e:  # retries exhausted: quarantine with its error
                    err = {"shard": uri, "error": f"{type(e).__name__}: {e}"[:2000], "attempts": cfg.shard_retries + 1,
                           "traceback": "".join(traceback.format_exception(e))[-4000:]}
                    storage.write_text(fail_uri, json.dumps(err, indent=1))
                    self.failures.append(err)
                    log(f"shard FAILED after {cfg.shard_retries + 1} attempts: {uri}: {err['error'][:200]}")
            if time.time() - last >= cfg.progress_interval_s or not refs:
                last = time.time()
                self._progress(tally.committed + len(self.failures), len(shards), done_now, time.time() - start)
        manifest.flush()
        self.timings["shard_stage_s"] = time.time() - start  # from submission to the last shard's result
        return tally

    def _progress(self, done: int, total: int, c: Counters, elapsed: float) -> None:
        read = c.total("read", reason="kept")
        per_lang = {l: (c.total("lid_threshold", l, "kept"), c.total("lid_threshold", l) - c.total("lid_threshold", l, "kept"))
                    for l in c.languages("lid_threshold")}
        top = sorted(per_lang.items(), key=lambda kv: -kv[1][0])[:6]
        langs = " ".join(f"{l}:{k}/{r}" for l, (k, r) in top)
        log(f"shards {done}/{total} ({len(self.failures)} failed) | {read} docs, {read / max(elapsed, 1e-9):.1f} docs/s"
            f" | kept/below-LID-threshold: {langs}")

    # ------------------------------------------------------------ stage 2
    def run_dedup(self, parts_by_lang: dict[str, list[dict]]) -> dict[str, dict]:
        cfg, results, active = self.cfg, {}, {}
        for lang in sorted(parts_by_lang):  # one language's part list at a time (built on access by the tally)
            parts = parts_by_lang[lang]
            runs = dedup_index.committed_runs(cfg.dedup_index, lang, self.run_id) if cfg.dedup_index else []
            fp = _fingerprint(cfg.config_hash, [(p["path"], p["rows"]) for p in parts], [(r["run"], r["seq"]) for r in runs])
            marker_uri = storage.join(self.work, "dedup", lang, "_SUCCESS.json")
            m = _read_json(marker_uri)
            if m and m["fingerprint"] == fp and all(storage.exists(self.abs(u)) for u in m["clusters"]):
                results[lang] = m
                storage.delete_prefix(self._shuffle_dir(lang))  # if a kill came between marker and clean-up
                continue
            rows = sum(p["rows"] for p in parts)
            n = max(1, min(cfg.dedup_max_partitions, math.ceil(rows / cfg.dedup_docs_per_partition)))
            spill = self._spill_prefix(lang)
            maps = [_remote(dedup.sig_map, n, (n, g), spill=spill(f"map-{i:05d}"))
                    for i, g in enumerate(self._row_groups(parts, cfg.dedup_rows_per_map_task))]
            exact = [_remote(dedup.exact_reduce, 3 * n, (n,), [m_[p] for m_ in maps], spill=spill(f"exact-{p:05d}")) for p in range(n)]
            old = []
            if runs:
                ix = [dedup_index.files(cfg.dedup_index, lang, runs, k) for k in ("buckets", "clusters", "aliases")]
                step = cfg.dedup_index_files_per_task
                old = [_remote(dedup.index_map, n, (n, ix[0][i:i + step], ix[1], ix[2]), spill=spill(f"index-{i:05d}"))
                       for i in range(0, len(ix[0]), step)]
            buckets = [_remote(dedup.bucket_reduce, n, (n,), [e[p] for e in exact] + [o[p] for o in old], spill=spill(f"buckets-{p:05d}"))
                       for p in range(n)]
            states = [_remote(dedup.cc_init, 1, (), [b[p] for b in buckets] + [e[n + p] for e in exact])[0] for p in range(n)]
            active[lang] = {"n": n, "states": states, "msgs": [[] for _ in range(n)], "round": 0, "fp": fp,
                            "marker": marker_uri, "index_rows": [[e[2 * n + p] for e in exact] for p in range(n)],
                            "runs": [r["run"] for r in runs]}
        while active:
            sent_refs = {}
            for lang, a in active.items():
                n, outs = a["n"], []
                for p in range(n):
                    res = _remote(dedup.cc_round, 2 + n, (a["states"][p], n, a["round"] == 0), a["msgs"][p])
                    a["states"][p] = res[0]
                    outs.append(res[2:])
                    sent_refs.setdefault(lang, []).append(res[1])
                a["msgs"] = [[outs[q][p] for q in range(n)] for p in range(n)]
                a["round"] += 1
            for lang, refs in sent_refs.items():
                a = active[lang]
                if sum(ray.get(refs)) == 0:
                    del active[lang]
                    results[lang] = self._cluster_sizes(lang, a)
                elif a["round"] >= cfg.dedup_max_rounds:
                    raise RuntimeError(f"dedup of {lang} did not converge in {cfg.dedup_max_rounds} rounds")
        return results

    def _shuffle_dir(self, lang: str) -> str:
        return storage.join(self.work, "dedup", lang, "shuffle")

    def _spill_prefix(self, lang: str):
        """Where a task's shuffle output goes (None: Ray's object store); deleted once the language is done."""
        return lambda name: storage.join(self._shuffle_dir(lang), name) if self.cfg.dedup_spill else None

    def _row_groups(self, parts: list[dict], max_rows: int) -> list[list[str]]:
        """Consecutive staged parts grouped so that one map task reads at most `max_rows` documents."""
        groups, rows = [[]], 0
        for p in parts:
            if groups[-1] and rows + p["rows"] > max_rows:
                groups.append([])
                rows = 0
            groups[-1].append(self.abs(p["path"]))
            rows += p["rows"]
        return groups

    def _cluster_sizes(self, lang: str, a: dict) -> dict:
        cfg, n = self.cfg, a["n"]
        maps = [_remote(dedup.cluster_map, n, (s, n)) for s in a["states"]]
        rels = [f"dedup/{lang}/clusters-{q:04d}-of-{n:04d}.parquet" for q in range(n)]
        reduced = ray.get([_remote(dedup.cluster_reduce, 1, (self.abs(rels[q]),), [m[q] for m in maps])[0] for q in range(n)])
        marker = {"fingerprint": a["fp"], "clusters": rels, "partitions": n, "rounds": a["round"],
                  "clustered_docs": int(sum(int(r["rows"][0]) for r in reduced)), "index_runs_read": a["runs"]}
        if cfg.dedup_index:  # written now, committed (visible to later runs) after finalize
            rows = ray.get([_remote(dedup.index_labels, 1, (a["states"][p],), a["index_rows"][p])[0] for p in range(n)])
            marker["index_files"] = dedup_index.write_run(cfg.dedup_index, lang, self.run_id, rows, reduced)
        storage.write_text(a["marker"], json.dumps(marker, indent=1))
        storage.delete_prefix(self._shuffle_dir(lang))
        return marker

    # ------------------------------------------------------------ stage 3
    def run_finalize(self, parts_by_lang, dedup_results, docs_by_lang) -> list[dict]:
        cfg, results, refs = self.cfg, [], {}
        for lang in sorted(parts_by_lang):
            parts = parts_by_lang[lang]
            uris = [self.abs(p["path"]) for p in parts]
            step = cfg.parts_per_finalize_task
            for group, i in enumerate(range(0, len(uris), step)):
                g = uris[i:i + step]
                fp = _fingerprint(cfg.config_hash, dedup_results[lang]["fingerprint"],
                                  [p["path"] for p in parts[i:i + step]], docs_by_lang[lang])
                marker_uri = storage.join(self.work, "finalize", lang, f"{group:03d}.json")
                m = _read_json(marker_uri)
                if m and m["fingerprint"] == fp and all(storage.exists(storage.join(cfg.output, f)) for f in m["files"]):
                    results.append(m)
                    continue
                clusters = [self.abs(u) for u in dedup_results[lang]["clusters"]]
                ref = _finalize.remote(lang, group, g, clusters, cfg, docs_by_lang[lang])
                refs[ref] = (marker_uri, fp)
        for ref, (marker_uri, fp) in refs.items():
            m = {"fingerprint": fp, **ray.get(ref)}
            storage.write_text(marker_uri, json.dumps(m, indent=1))
            results.append(m)
        return results

    def sweep_stale(self, finals: list[dict]) -> None:
        """Delete dataset files a previous run wrote that this run's result does not contain (the quality
        step's removed rows of a data file stay with it)."""
        from curate.stages.quality import removed_sibling

        keep = {storage.join(self.cfg.output, f) for m in finals for f in m["files"]}
        keep |= {removed_sibling(u) for u in keep}
        for uri in storage.list_files(storage.join(self.cfg.output, "data")):
            if uri not in keep:
                storage.delete(uri)


def run_pipeline(cfg: PipelineConfig) -> int:
    """Run the whole job; returns the process exit code (non-zero when any shard failed)."""
    from curate.report.outputs import write_outputs

    t0 = time.time()
    try:
        storage.check_writable(cfg.output)  # before any work: a wrong bucket must not cost every shard's CPU
    except storage.StoreError as e:
        log(f"stopped before the first shard: {e}")
        return 2
    if cfg.quality_models:
        from curate.run.quality import specs_of

        try:
            specs_of(cfg)  # a bad quality model spec must not wait for the last shard
        except ValueError as e:
            log(f"stopped before the first shard: {e}")
            return 2
    shards = resolve_shards(cfg)
    init_ray(cfg)
    res = ray.cluster_resources()
    log(f"Ray: {int(res.get('CPU', 0))} CPUs on {len([n for n in ray.nodes() if n['Alive']])} node(s); output {cfg.output}")
    run = Run(cfg)
    run.timings["start_s"] = time.time() - t0  # listing the shards and starting (or joining) Ray
    try:
        tally = run.run_shards(shards)
    except storage.StoreError as e:  # the resume scan could not read what the last run committed
        log(f"stopped before the first shard: {e}")
        return 2

    t1 = time.time()
    parts_by_lang = tally.parts_by_lang()
    counters = tally.counters
    docs_by_lang = {l: counters.total("lid_threshold", l, "kept") for l in parts_by_lang}
    dedup_results = run.run_dedup(parts_by_lang)
    run.timings["dedup_s"] = time.time() - t1
    log(f"dedup: {len(dedup_results)} languages, {sum(r['clustered_docs'] for r in dedup_results.values())} docs in clusters")

    t2 = time.time()
    quality_error = None
    finals = run.run_finalize(parts_by_lang, dedup_results, docs_by_lang)
    run.sweep_stale(finals)
    storage.sweep_temporaries(cfg.output)  # every task is done: temporaries are from killed writers
    if cfg.dedup_index:  # the dataset is committed: later runs may now deduplicate against this one
        for lang, r in dedup_results.items():
            if "index_files" in r:
                dedup_index.commit_run(cfg.dedup_index, lang, run.run_id, r["index_files"])
    for m in finals:
        counters.merge(Counters.from_rows(m["counters"]))
    run.timings["finalize_s"] = time.time() - t2
    if cfg.quality_models:
        from curate.run.quality import run_quality

        t3 = time.time()
        try:
            run_quality(cfg, score_files, map_tasks, log)
        except (OSError, ValueError, ray.exceptions.RayError) as e:
            quality_error = f"{type(e).__name__}: {e}"
            log(f"quality step FAILED (the dataset is written without it): {quality_error[:1000]}")
        run.timings["quality_s"] = time.time() - t3
    run.timings["shard_cpu_s"] = sum(v or 0 for v in tally.shard_cpu.values())
    run.timings["finalize_cpu_s"] = sum(m.get("cpu_seconds", 0) for m in finals)
    run.timings["finalize_filters_cpu_s"] = sum(m.get("filters_cpu_seconds", 0) for m in finals)  # of finalize_cpu_s
    run.timings["stage_cpu_s"] = dict(sorted(tally.stage_cpu.items()))

    failed = [json.loads(storage.read_text(u)) for u in storage.list_files(storage.join(run.work, "failed"), ".json")]
    failed = [f for f in failed if f["shard"] in set(shards)]
    card = write_outputs(cfg, shards, tally.shard_info(), counters, dedup_results, finals, failed, run.timings, started=t0)
    log(f"done in {run.timings['total_s']:.1f}s: dataset in {storage.join(cfg.output, 'data')}, card {card}")
    if quality_error:
        log(f"the quality step FAILED: {quality_error[:300]}")
        return 1
    if failed:
        log(f"{len(failed)} shard(s) FAILED; see `curate status {cfg.output}`:")
        for f in failed:
            log(f"  {f['shard']}: {f['error'][:300]}")
        return 1
    return 0


@ray.remote
def _stage_texts(source, lang, params, uri):
    """Signatures of raw texts into a staged part (for `dedup_documents`); `source` is an Arrow
    table or (Parquet URI, row groups) that this task reads itself."""
    import pyarrow as pa

    from curate.stages.minhash import doc_hashes
    from curate.stages.shard import doc_key
    from curate.store.schema import STAGED_SCHEMA
    from filters.tokenizers import word_tokenizer

    if not isinstance(source, pa.Table):
        with storage.open_parquet(source[0]) as f:
            source = f.read_row_groups(source[1], columns=["text", "id", "date"])
    tok = word_tokenizer(lang)[0]
    ids = source.column("id").to_pylist()
    hashes = [doc_hashes(text, tok, params) for text in source.column("text").to_pylist()]
    # only the staged columns the dedup stage reads (`dedup.sig_map`), built column by column
    cols = {"id": ids, "date": source.column("date"), "doc_key": [doc_key(i) for i in ids],
            "exact_hash": [h[1] for h in hashes], "minhash_bands": [h[0] for h in hashes]}
    table = pa.table({k: pa.array(v, STAGED_SCHEMA.field(k).type) if isinstance(v, list) else v.cast(STAGED_SCHEMA.field(k).type)
                      for k, v in cols.items()})
    storage.write_parquet(uri, table)
    return table.num_rows


def dedup_documents(source, lang: str, cfg: PipelineConfig, chunk: int = 5000):
    """Deduplicate documents (`text`, `id`, `date`) with the pipeline's dedup stage; returns `id,
    cluster_id, cluster_size, is_representative` for every document. `source` is an Arrow table,
    or the URI of a Parquet file, which the tasks read row group by row group (the driver then
    holds only the ids; write the file with row groups of about `chunk` rows).
    For benchmarks and tools: the pipeline itself calls `Run.run_dedup` on staged shard parts."""
    import numpy as np
    import pyarrow as pa

    from curate.stages.shard import doc_key

    init_ray(cfg)
    run = Run(cfg)
    if isinstance(source, pa.Table):
        ids = source.column("id").to_pylist()
        pieces = [(source.slice(i, chunk), min(chunk, len(ids) - i)) for i in range(0, len(ids), chunk)]
    else:
        with storage.open_parquet(source) as f:
            ids = f.read(columns=["id"]).column("id").to_pylist()
            sizes = [f.metadata.row_group(g).num_rows for g in range(f.metadata.num_row_groups)]
        pieces, group, rows = [], [], 0
        for g, size in enumerate(sizes):  # consecutive row groups, about `chunk` rows per task
            group, rows = group + [g], rows + size
            if rows >= chunk or g == len(sizes) - 1:
                pieces.append(((source, group), rows))
                group, rows = [], 0
    if len(set(ids)) != len(ids):
        raise ValueError("dedup_documents: ids must be unique (they key the documents)")
    parts, refs = [], []
    for i, (piece, rows) in enumerate(pieces):
        rel = f"docs/{lang}/{i:06d}.parquet"
        refs.append(_stage_texts.remote(piece, lang, cfg.minhash, run.abs(rel)))
        parts.append({"path": rel, "rows": rows})
    ray.get(refs)
    result = run.run_dedup({lang: parts})[lang]
    keys = np.array([doc_key(i) for i in ids], np.int64)
    clusters = dedup.load_clusters([run.abs(u) for u in result["clusters"]], keys)
    cid = np.array([clusters.get(int(k), (int(k), 1))[0] for k in keys], np.int64)
    size = np.array([clusters.get(int(k), (int(k), 1))[1] for k in keys], np.int64)
    return pa.table({"id": pa.array(ids, pa.string()), "cluster_id": cid, "cluster_size": size, "is_representative": cid == keys})
