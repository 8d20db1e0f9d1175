/**
 * The frontend's end of the save-before-snapshot handshake (comm target `mlversion.save`).
 *
 * Protocol (see jupyter_mlversion/kernel/frontend.py): the kernel opens the comm when the
 * extension loads there; we answer `{ready: true}`. At snapshot time it sends
 * `{action: "save", request_id, path}`; we save the notebook attached to that kernel and
 * answer `{request_id, saved: true}` or `{request_id, saved: false, error}`.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';

/** The comm target name the kernel side registers and opens. */
export const SAVE_TARGET = 'mlversion.save';

/** The notebook a kernel belongs to, as far as the handshake needs it. */
export interface ISaveable {
  /** Save the notebook document to disk. */
  save(): Promise<void>;
}

/** The answer to one message from the kernel, or null when none is due. */
export async function answer(data: JSONObject, notebook: ISaveable): Promise<JSONObject | null> {
  if (data.action !== 'save') {
    return null;
  }
  const requestId = data.request_id ?? null;
  try {
    await notebook.save();
    return { request_id: requestId, saved: true };
  } catch (error) {
    return {
      request_id: requestId,
      saved: false,
      error: error instanceof Error ? error.message : String(error)
    };
  }
}

/** Serve the handshake on a comm: say ready, then answer save requests. */
export function serveComm(comm: Kernel.IComm, notebook: ISaveable): void {
  comm.onClose = () => undefined;
  comm.onMsg = (msg: KernelMessage.ICommMsgMsg) => {
    void answer(msg.content.data as JSONObject, notebook).then(reply => {
      if (reply && !comm.isDisposed) {
        comm.send(reply);
      }
    });
  };
  comm.send({ ready: true });
}

/** Kernels already served, so a kernel change back and forth never registers twice. */
const attached = new WeakSet<Kernel.IKernelConnection>();

/**
 * Serve the handshake for one kernel: comms the kernel opens from now on, and, when the
 * kernel already has the extension loaded (e.g. after a page reload), a comm we open.
 */
export async function attachKernel(
  kernel: Kernel.IKernelConnection,
  notebook: ISaveable
): Promise<void> {
  if (attached.has(kernel) || kernel.isDisposed) {
    return;
  }
  attached.add(kernel);
  kernel.registerCommTarget(SAVE_TARGET, comm => serveComm(comm, notebook));
  // Opening a comm to a kernel without the target makes it log an error, so ask first.
  try {
    const info = await kernel.requestCommInfo({ target_name: SAVE_TARGET });
    const comms = (info.content as { comms?: { [id: string]: unknown } }).comms ?? {};
    if (Object.keys(comms).length > 0 && !kernel.isDisposed) {
      const comm = kernel.createComm(SAVE_TARGET);
      comm.open({ protocol: 1 });
      serveComm(comm, notebook);
    }
  } catch {
    // A kernel without comm_info support simply opens the comm itself when ready.
  }
}
