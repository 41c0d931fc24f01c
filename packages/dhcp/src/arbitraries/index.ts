/** fast-check arbitraries for DHCP messages and options. */
export {};
