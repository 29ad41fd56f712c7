export { loadStubFolder, compileStubRules, StubFileError, type StubSet } from './stubFile';
export { UNHANDLED, stubAnswerer, type Unhandled, type CompiledRule } from './stubAnswerer';
export { argumentText } from './template';
