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
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from cluster_stages import run_stages


def on_labels(labels):
    pred = [str(l) for l in labels]
    print(f"  reference: ARI intent {adjusted_rand_score(intents, pred):.4f}, NMI intent {normalized_mutual_info_score(intents, pred):.4f}, "
          f"{out['clusters']} clusters, noise {out['noise']:.4f} (the 2-d map, which does not change them, is next)", file=sys.stderr, flush=True)


labels = run_stages(emb, texts, mcs, ms, seed, out, on_labels)
out["math_s"] = time.perf_counter() - t_math
pred = [str(l) for l in labels]
out["ari"] = adjusted_rand_score(intents, pred)
out["nmi"] = normalized_mutual_info_score(intents, pred)
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
