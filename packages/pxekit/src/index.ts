/** pxekit — the boot server composed from @pxekit/dhcp, @pxekit/tftp, @pxekit/pxelinux and @pxekit/kickstart. */
export const PXEKIT_VERSION: string = '0.0.0';
