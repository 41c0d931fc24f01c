/** @pxekit/tftp — TFTP codec and transfer state machines. */
export const TFTP_PORT = 69 as const;
