"""Reference side of scripts/bench-cluster-scale.mjs: umap-learn (5-d for clustering, 2-d for the map)
→ hdbscan → c-TF-IDF keywords, as bench_cluster.py, but from vectors already made (no embedding), timed
stage by stage. Prints one JSON line.

usage: bench_cluster_vectors.py DIR DIM MIN_CLUSTER_SIZE MIN_SAMPLES SEED
DIR holds vectors.f32 (row-major float32), texts.json and intents.json.
"""
import json, os, resource, sys, time

import warnings
warnings.filterwarnings("ignore")
import numpy as np

d, dim, mcs, ms, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
emb = np.fromfile(os.path.join(d, "vectors.f32"), dtype=np.float32).reshape(-1, dim)
texts = json.load(open(os.path.join(d, "texts.json"), encoding="utf-8"))
intents = json.load(open(os.path.join(d, "intents.json"), encoding="utf-8"))
out = {"rows": len(texts), "stages": {}}

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
out["clusters"] = int(labels.max() + 1)
out["noise"] = float((labels < 0).mean())
pred = [str(l) for l in labels]
out["ari"] = adjusted_rand_score(intents, pred)
out["nmi"] = normalized_mutual_info_score(intents, pred)
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
