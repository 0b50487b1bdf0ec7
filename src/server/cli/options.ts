/** Options shared by the commands that load the model. */
import { Option, type Command } from 'commander';

export interface ModelFlags {
  model?: string;
  device: 'auto' | 'cpu' | 'cuda';
  dtype: 'q8' | 'fp32';
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--model <dir>', 'model directory (default: $TICKET_LENS_MODEL_DIR or the model cache)')
    .addOption(new Option('--device <device>', 'execution device').choices(['auto', 'cpu', 'cuda']).default('auto'))
    .addOption(new Option('--dtype <dtype>', 'model weights').choices(['q8', 'fp32']).default('q8'));
}
