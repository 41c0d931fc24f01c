/** @pxekit/dhcp — DHCP/BOOTP codec, options, lease state and server engine. */
export const DHCP_SERVER_PORT = 67 as const;
export const DHCP_CLIENT_PORT = 68 as const;
