import { join } from 'node:path';
import ts from 'typescript';
import { PACKAGES } from './workspace.js';

export interface PublicName {
  /** `@beckon/x` or `@beckon/x/sub`. */
  readonly entry: string;
  readonly name: string;
  /** Where the exported thing is declared (file:position), after following re-exports. */
  readonly declaredAt: string;
}

/** The `source` file of every entry point of every package. */
export function entryPoints(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const pkg of PACKAGES) {
    for (const [subpath, target] of Object.entries(pkg.manifest.exports ?? {})) {
      // `source` is a path, or conditions of its own (signaling's Node entry re-exports the main
      // one with a Node transport under the same name: the `default` one is the public face).
      const condition = (target as { source?: unknown }).source;
      const source =
        typeof condition === 'object' && condition !== null
          ? (condition as { default?: unknown }).default
          : condition;
      if (typeof source !== 'string') continue;
      entries.set(subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, join(pkg.dir, source));
    }
  }
  return entries;
}

/** Every name each entry point exports, with the declaration it stands for. */
export function publicNames(): PublicName[] {
  const entries = entryPoints();
  // Only Beckon's own sources are read (noResolve): following the re-exports needs nothing else,
  // and parsing React's, TRTC's and Tencent's declarations would take most of the time.
  const sources = PACKAGES.flatMap((pkg) => ts.sys.readDirectory(join(pkg.dir, 'src'), ['.ts', '.tsx']));
  const program = ts.createProgram(sources, {
    noResolve: true,
    noLib: true,
    types: [],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['source'],
    jsx: ts.JsxEmit.ReactJSX,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const names: PublicName[] = [];
  for (const [entry, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`cannot read ${file}`);
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declaration = target.declarations?.[0];
      const declaredAt = declaration
        ? `${declaration.getSourceFile().fileName}:${declaration.getStart()}`
        : `${entry}#${symbol.name}`;
      names.push({ entry, name: symbol.name, declaredAt });
    }
  }
  return names;
}
