/**
 * What a label job may still spend: a token cap, a dollar cap (priced by estimate.ts) and a deadline.
 * Every request reserves its estimated most before it is sent and keeps the reservation until its
 * answer is in, so requests in flight together cannot overshoot a cap. Each request is priced on its
 * own (a long prompt can change the rate of the whole request). Once a limit is reached the stop is
 * final: nothing more is sent, and the result says why. A dollar cap on a model with no known price
 * cannot be kept, so nothing is sent.
 */
import type { LabelOptions, LabelStop } from '../../shared/api';
import { priceOf, requestCostUsd, type Usage } from './estimate';

/** Thrown instead of sending a request once the job has stopped sending. */
export class SendingStopped extends Error {}

export class Spend {
  readonly usage: Usage = { inputTokens: 0, outputTokens: 0 };
  stopped: LabelStop | null = null;
  private readonly reserved: Usage = { inputTokens: 0, outputTokens: 0 };
  /** USD of the answered requests, and of those reserved; priced only when the model's price is known. */
  private spentUsd = 0;
  private reservedUsd = 0;
  private readonly deadline: number | null;

  constructor(
    private readonly opts: Pick<LabelOptions, 'model' | 'maxTokens' | 'budgetUsd' | 'deadlineMs'>,
    now = Date.now(),
  ) {
    this.deadline = opts.deadlineMs ? now + opts.deadlineMs : null;
  }

  /** USD spent so far, or null when the model's price is not known (tokens only). */
  get knownCostUsd(): number | null {
    return priceOf(this.opts.model) ? this.spentUsd : null;
  }

  /** Epoch ms after which no request starts, or null. */
  get deadlineAt(): number | null {
    return this.deadline;
  }

  /** Reserves one request's estimate, or throws SendingStopped; the result releases the reservation. */
  reserve(estimate: Usage): () => void {
    this.check(estimate);
    if (this.stopped) throw new SendingStopped(this.stopped.message);
    const usd = this.price(estimate);
    this.reserved.inputTokens += estimate.inputTokens;
    this.reserved.outputTokens += estimate.outputTokens;
    this.reservedUsd += usd;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved.inputTokens -= estimate.inputTokens;
      this.reserved.outputTokens -= estimate.outputTokens;
      this.reservedUsd -= usd;
    };
  }

  record(used: Usage): void {
    this.usage.inputTokens += used.inputTokens;
    this.usage.outputTokens += used.outputTokens;
    this.spentUsd += this.price(used);
  }

  private price(u: Usage): number {
    return requestCostUsd(this.opts.model, u) ?? 0;
  }

  private check(next: Usage): void {
    if (this.stopped) return;
    const o = this.opts;
    const input = this.usage.inputTokens + this.reserved.inputTokens + next.inputTokens;
    const output = this.usage.outputTokens + this.reserved.outputTokens + next.outputTokens;
    const used = `${this.usage.inputTokens + this.usage.outputTokens} tokens used so far`;
    if (this.deadline !== null && Date.now() >= this.deadline) {
      this.stopped = { cause: 'deadline', message: `the time limit of ${((o.deadlineMs ?? 0) / 1000).toFixed(0)} s was reached (${used})` };
    } else if (o.maxTokens !== null && input + output > o.maxTokens) {
      this.stopped = { cause: 'tokens', message: `the cap of ${o.maxTokens} tokens was reached (${used}; the next request could take ${next.inputTokens + next.outputTokens})` };
    } else if (o.budgetUsd !== null && !priceOf(o.model)) {
      this.stopped = { cause: 'budget', message: `the budget of $${o.budgetUsd} cannot be kept: no price is known for the model '${o.model}' (${used}) — set a token cap instead` };
    } else if (o.budgetUsd !== null && this.spentUsd + this.reservedUsd + this.price(next) > o.budgetUsd) {
      this.stopped = { cause: 'budget', message: `the budget of $${o.budgetUsd} was reached (~$${this.spentUsd.toFixed(4)} spent, estimated from usage)` };
    }
  }
}
