/** The evaluation page's channel to the extension: the typed messages of src/shared/evaluation.ts. */
import { EvaluationHostToWebview, type EvaluationWebviewToHost } from '../../../src/shared/evaluation';
import { channel } from '../channel';

export const { post, listen } = channel<EvaluationHostToWebview, EvaluationWebviewToHost>(EvaluationHostToWebview);
