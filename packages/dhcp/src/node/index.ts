/** Node adapter of @pxekit/dhcp: the only part that touches sockets. */
export {};
