/**
 * Chooses the ONNX Runtime execution provider. `auto` takes CUDA only when onnxruntime-node carries its
 * CUDA provider (it does only when installed with ONNXRUNTIME_NODE_INSTALL=cuda12) and an NVIDIA GPU is
 * visible, and falls back to the CPU with the reason kept for /health and the log; a forced `cuda` that
 * cannot work is an error naming what is missing rather than a silent CPU run.
 */
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { TicketLensError, type ActiveDevice, type Device } from '../../shared/api';

export interface DeviceChoice {
  requested: Device;
  active: ActiveDevice;
  reason: string;
}

function cudaProviderInstalled(): boolean {
  return ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled !== false);
}

function gpuVisible(): boolean {
  return existsSync('/dev/nvidia0') || existsSync('/proc/driver/nvidia/version');
}

/** Why CUDA cannot be used here, or null when it may be tried. */
export function cudaUnavailableReason(): string | null {
  if (!cudaProviderInstalled()) return "onnxruntime-node's CUDA provider is not installed (install with ONNXRUNTIME_NODE_INSTALL=cuda12 on a CUDA 12 machine)";
  if (!gpuVisible()) return 'no NVIDIA GPU is visible (/dev/nvidia0 missing)';
  return null;
}

export function chooseDevice(requested: Device): DeviceChoice {
  if (requested === 'cpu') return { requested, active: 'cpu', reason: 'cpu requested' };
  const why = cudaUnavailableReason();
  if (requested === 'cuda') {
    if (why) throw new TicketLensError('device_unavailable', `CUDA was requested but cannot be used: ${why}. Use device "auto" or "cpu".`);
    return { requested, active: 'cuda', reason: 'cuda requested' };
  }
  return why ? { requested, active: 'cpu', reason: `auto: ${why}; using the CPU` } : { requested, active: 'cuda', reason: 'auto: CUDA provider and GPU found' };
}
