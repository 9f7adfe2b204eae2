/** Types for the two flechette encoder modules tablewriter.ts uses to write an Arrow file footer. */
declare module "@uwdata/flechette/src/encode/builder.js" {
  export class Builder {
    constructor(sink: { write(b: Uint8Array): void; pad(n: number): void });
  }
}
declare module "@uwdata/flechette/src/encode/footer.js" {
  export function writeFooter(builder: unknown, schema: unknown, dictBlocks: unknown[], recordBlocks: { offset: number; metadataLength: number; bodyLength: number }[], metadata: null): void;
}
