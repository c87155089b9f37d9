// The part of the WebAssembly JavaScript API this package uses, for the Node build: Node has it, but its types are
// in TypeScript's DOM library, which the Node build leaves out (tsconfig.web.json takes them from there).

declare namespace WebAssembly {
    type Exports = Record<string, unknown>;
    class Module {
        constructor(bytes: BufferSource);
    }
    class Instance {
        constructor(module: Module, imports?: Record<string, unknown>);
        readonly exports: Exports;
    }
    class Memory {
        readonly buffer: ArrayBuffer;
        grow(pages: number): number;
    }
    class Global {
        value: unknown;
    }
    function instantiate(
        bytes: BufferSource,
        imports?: Record<string, unknown>,
    ): Promise<{ module: Module; instance: Instance }>;
}

type BufferSource = ArrayBufferView | ArrayBuffer;
