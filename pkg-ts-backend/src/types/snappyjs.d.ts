// snappyjs ships no type declarations.
declare module 'snappyjs' {
  export function compress(input: Uint8Array | ArrayBuffer | Buffer): Uint8Array | ArrayBuffer | Buffer;
  export function uncompress(input: Uint8Array | ArrayBuffer | Buffer, maxLength?: number): Uint8Array | ArrayBuffer | Buffer;
}
