/** Status code helpers (RFC 3261 §7.2, §21): classes by code, never by `> 400` guesses. */
export const isProvisional = (code: number): boolean => code >= 100 && code <= 199;
export const isFinal = (code: number): boolean => code >= 200 && code <= 699;
export const isSuccess = (code: number): boolean => code >= 200 && code <= 299;
export const isRedirect = (code: number): boolean => code >= 300 && code <= 399;
export const isClientError = (code: number): boolean => code >= 400 && code <= 499;
export const isServerError = (code: number): boolean => code >= 500 && code <= 599;
export const isGlobalFailure = (code: number): boolean => code >= 600 && code <= 699;
/** Any final non-2xx response. */
export const isFailure = (code: number): boolean => code >= 300 && code <= 699;
export const statusClass = (code: number): number => Math.floor(code / 100);
