// The layer check of `npm run lint`: dependency-cruiser with the rules in
// .dependency-cruiser.cjs over every TypeScript folder. It calls
// dependency-cruiser's API rather than its `depcruise` command so that it also
// runs on Node 20 (the command refuses Node versions below 22; the API works).
// Prints one line per violation and exits 1 when there is any.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

import { existsSync } from 'node:fs';

const FOLDERS = ['simulator', 'language-server', 'debug-adapter', 'extension', 'bench'].filter((f) => existsSync(f));

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const tsConfig = extractTSConfig('tsconfig.json');
const result = await cruise(FOLDERS, { ...options, outputType: 'err' }, {}, { tsConfig });
process.stdout.write(typeof result.output === 'string' ? result.output : JSON.stringify(result.output));
process.exitCode = result.exitCode === 0 ? 0 : 1;
