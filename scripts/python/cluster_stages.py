"""The reference pipeline's stages after embedding, shared by bench_cluster.py and
bench_cluster_vectors.py: umap-learn 5-d → hdbscan → c-TF-IDF keywords (CountVectorizer 1–2-grams,
English stop words, BERTopic's class-based TF-IDF), then umap-learn 2-d for the map, timed stage by
stage into out["stages"]. Returns the HDBSCAN labels, and hands them to on_labels before the 2-d fit."""
import sys
import time

import numpy as np


def _done(out, name, t):
    """Records a stage's seconds, and says so on stderr at once: at 250k rows a stage can take many minutes."""
    out["stages"][name] = time.perf_counter() - t
    print(f"  reference: {name} {out['stages'][name]:.1f} s", file=sys.stderr, flush=True)


def run_stages(emb, texts, mcs, ms, seed, out, on_labels=None):
    import umap, hdbscan
    from sklearn.feature_extraction.text import CountVectorizer
    t = time.perf_counter()
    l5 = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed).fit_transform(emb)
    _done(out, "umap5", t)
    t = time.perf_counter()
    labels = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms).fit_predict(l5)
    _done(out, "hdbscan", t)
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
    _keywords = {int(k): list(vocab[np.argsort(-w[i].toarray().ravel())[:10]]) for i, k in enumerate(keys)}
    _done(out, "keywords", t)
    out["clusters"] = int(labels.max() + 1)
    out["noise"] = float((labels < 0).mean())
    # The labels are known before the 2-d map, which does not change them: at 250k rows that fit alone
    # is over an hour here, so the quality is reported as soon as it exists.
    if on_labels:
        on_labels(labels)
    t = time.perf_counter()
    umap.UMAP(n_neighbors=15, n_components=2, min_dist=0.1, metric="cosine", random_state=seed).fit_transform(emb)
    _done(out, "umap2", t)
    return labels
