/** Options shared by the commands that load the model; their choices are the contract's (shared/api.ts). */
import { Option, type Command } from 'commander';
import { Device, Dtype } from '../../shared/api';

export interface DeviceFlags {
  device: Device;
  dtype: Dtype;
}

export interface ModelFlags extends DeviceFlags {
  model?: string;
}

/** --device and --dtype. */
export function addDeviceOptions(cmd: Command, weightsHelp = 'model weights'): Command {
  return cmd
    .addOption(new Option('--device <device>', 'execution device').choices(Device.options).default('auto' satisfies Device))
    .addOption(new Option('--dtype <dtype>', weightsHelp).choices(Dtype.options).default('q8' satisfies Dtype));
}

export function addModelOptions(cmd: Command): Command {
  return addDeviceOptions(cmd.option('--model <dir>', 'model directory (default: $TICKET_LENS_MODEL_DIR or the model cache)'));
}
