/**
 * Waiting for a notebook's kernel to finish the cell it runs. The kernel journals a cell's
 * reads, writes and metrics when the cell's run ends, just after its last output is shown: a
 * snapshot or a reproduction check asked in between would not see that run.
 */
import type { ISignal } from '@lumino/signaling';

/** The part of a kernel connection this needs. */
export interface IKernelStatus {
  readonly status: string;
  readonly statusChanged: ISignal<unknown, string>;
}

/** How long a snapshot or a check waits for a busy kernel before going on without it. */
export const SETTLE_MS = 5000;

/** Resolves once `kernel` is not busy, or after `ms` (a long-running cell is not awaited). */
export function kernelSettled(
  kernel: IKernelStatus | null | undefined,
  ms: number = SETTLE_MS
): Promise<void> {
  if (!kernel || kernel.status !== 'busy') {
    return Promise.resolve();
  }
  return new Promise<void>(resolve => {
    const done = (): void => {
      window.clearTimeout(timer);
      kernel.statusChanged.disconnect(onStatus);
      resolve();
    };
    const onStatus = (_: unknown, status: string): void => {
      if (status !== 'busy') {
        done();
      }
    };
    const timer = window.setTimeout(done, ms);
    kernel.statusChanged.connect(onStatus);
  });
}
