/** fast-check arbitraries for TFTP packets. */
export {};
