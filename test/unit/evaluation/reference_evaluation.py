"""The figures of an evaluation computed again with scikit-learn, from the given labels and the
classifier's probabilities: confusion matrix, per-class precision/recall/F1/support, one-vs-rest and
micro-averaged ROC curves and AUCs, and the reliability bins of the top-class probability
(calibration_curve on "was the top class right").

argv: input.json ({"labels": [...], "truth": [...], "probs": [[...], ...], "order": [...]}); prints JSON.
"""
import json
import sys

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support, roc_auc_score, roc_curve

data = json.load(open(sys.argv[1]))
labels = data["labels"]
truth = np.array(data["truth"])
probs = np.array(data["probs"], dtype=np.float64)
order = data["order"]
pred = probs.argmax(axis=1)

p, r, f, s = precision_recall_fscore_support(truth, pred, labels=order, zero_division=0)
per_class = [{"label": labels[c], "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])} for i, c in enumerate(order)]
roc = []
for c in order:
    y = (truth == c).astype(int)
    if y.min() == y.max():
        roc.append({"label": labels[c], "auc": None, "points": []})
        continue
    fpr, tpr, _ = roc_curve(y, probs[:, c], drop_intermediate=False)
    roc.append({"label": labels[c], "auc": roc_auc_score(y, probs[:, c]), "points": [[a, b] for a, b in zip(fpr, tpr)]})
onehot = np.zeros_like(probs)
onehot[np.arange(len(truth)), truth] = 1
present = sorted(set(truth.tolist()))
confidence = probs.max(axis=1)
correct = (pred == truth).astype(int)
acc_bins, conf_bins = calibration_curve(correct, confidence, n_bins=10, strategy="uniform")
counts = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], confidence), minlength=10)
ece = float(np.sum(counts[counts > 0] / len(truth) * np.abs(acc_bins - conf_bins)))
print(json.dumps({
    "accuracy": accuracy_score(truth, pred),
    "macroF1": f1_score(truth, pred, average="macro", zero_division=0),
    "weightedF1": f1_score(truth, pred, average="weighted", zero_division=0),
    "macroAuc": float(np.mean([roc_auc_score((truth == c).astype(int), probs[:, c]) for c in present])),
    "microAuc": roc_auc_score(onehot.ravel(), probs.ravel()),
    "confusion": confusion_matrix(truth, pred, labels=order).tolist(),
    "perClass": per_class,
    "roc": roc,
    "reliability": {"accuracy": acc_bins.tolist(), "confidence": conf_bins.tolist(), "counts": counts.tolist(), "ece": ece},
}))
