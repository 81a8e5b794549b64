/** wawoff2 (MIT) ships no types: its WOFF2 → TrueType decompressor (Google's woff2 compiled to WebAssembly). */
declare module 'wawoff2/decompress.js' {
  const decompress: (woff2: Uint8Array) => Promise<Uint8Array>;
  export default decompress;
}
