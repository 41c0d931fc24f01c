/** Node adapter of @pxekit/tftp: the only part that touches sockets. */
export {};
