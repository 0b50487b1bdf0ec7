/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over one flat parameter array, and the learning
 * rate schedule used for every head and the adapter: linear warm-up, then cosine decay to a floor.
 * Warm-up keeps the first steps from overshooting with Adam's still-unreliable second moments.
 */
export class AdamW {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    private readonly params: Float32Array,
    private readonly opts: { weightDecay: number; beta1?: number; beta2?: number; eps?: number; /** params from this index on get no decay (biases) */ decayMask?: Uint8Array },
  ) {
    this.m = new Float32Array(params.length);
    this.v = new Float32Array(params.length);
  }

  step(grad: Float32Array, lr: number): void {
    const b1 = this.opts.beta1 ?? 0.9;
    const b2 = this.opts.beta2 ?? 0.999;
    const eps = this.opts.eps ?? 1e-8;
    this.t++;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const p = this.params;
    const mask = this.opts.decayMask;
    const wd = lr * this.opts.weightDecay;
    for (let i = 0; i < p.length; i++) {
      const g = grad[i];
      const m = (this.m[i] = b1 * this.m[i] + (1 - b1) * g);
      const v = (this.v[i] = b2 * this.v[i] + (1 - b2) * g * g);
      if (!mask || mask[i]) p[i] -= wd * p[i];
      p[i] -= (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
    }
  }
}

/** Learning rate at `step` of `total`: linear warm-up over `warmup` steps, cosine decay to lr·floor. */
export function scheduledLr(base: number, step: number, total: number, warmup: number, floor = 0.02): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
