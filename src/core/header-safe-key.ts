/** What `Authorization: Bearer <key>` can carry: visible ASCII only (serve's --api-key, the upstream and hf keys). */
export function isHeaderSafeKey(key: string): boolean {
  return /^[\x21-\x7e]+$/u.test(key);
}
