/** @pxekit/pxelinux — SYSLINUX/PXELINUX config parser, writer and menu model. */
export const PXELINUX_MAX_LINE = 4096 as const;
