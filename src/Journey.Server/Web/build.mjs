// Builds the dashboard into dist/: one ES module bundle (our code with Chart.js, Cytoscape.js and its
// dagre layout), the stylesheet, the page, the libraries' licences, and build.json with a hash of the
// sources, by which the server's tests know dist/ is up to date.
//
//   npm ci && npm run build     rebuild dist/
//   npm run check               exit 1 when dist/ was not built from the current sources
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');

/**
 * SHA-256 over every source, in ordinal order of their paths: path, NUL, content with LF line ends,
 * NUL. DashboardBuildTests computes the same.
 */
async function sourceHash() {
  const files = ['build.mjs', 'package.json', 'package-lock.json', ...(await listFiles('src'))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = (await readFile(path.join(root, file), 'utf8')).replaceAll('\r\n', '\n');
    hash.update(`${file}\0${content}\0`, 'utf8');
  }
  return hash.digest('hex');
}

async function listFiles(dir) {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const files = [];
  for (const entry of entries) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      files.push(...(await listFiles(relative)));
    } else {
      files.push(relative);
    }
  }
  return files;
}

async function packageVersions() {
  const lock = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8'));
  const direct = Object.keys(lock.packages[''].dependencies ?? {});
  return Object.fromEntries(direct.sort().map((name) => [name, lock.packages[`node_modules/${name}`]?.version]));
}

async function check() {
  const built = JSON.parse(await readFile(path.join(dist, 'build.json'), 'utf8'));
  const current = await sourceHash();
  if (built.sourceHash !== current) {
    console.error(`dist/ is out of date (built from ${built.sourceHash}, sources are ${current}): run npm run build.`);
    process.exit(1);
  }
  console.log('dist/ is up to date.');
}

/** Both languages have every label, and every label the code asks for exists. */
async function checkLabels() {
  const { texts } = await import('./src/i18n.js');
  const [nb, en] = [Object.keys(texts.nb), Object.keys(texts.en)];
  const missing = [...nb.filter((k) => !en.includes(k)).map((k) => `en.${k}`), ...en.filter((k) => !nb.includes(k)).map((k) => `nb.${k}`)];
  for (const file of await listFiles('src')) {
    if (file.endsWith('.js')) {
      const code = await readFile(path.join(root, file), 'utf8');
      for (const [, key] of code.matchAll(/\bt\('(\w+)'/g)) {
        if (!nb.includes(key)) {
          missing.push(`${key} (used in ${file})`);
        }
      }
    }
  }
  if (missing.length > 0) {
    throw new Error(`Labels missing: ${[...new Set(missing)].join(', ')}`);
  }
}

async function build() {
  await checkLabels();
  // Imported here so that `npm run check` works without node_modules.
  const esbuild = await import('esbuild');
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { dashboard: 'src/main.js' },
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'linked',
    outdir: 'dist',
    logLevel: 'warning',
  });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { dashboard: 'src/dashboard.css' },
    bundle: true,
    minify: true,
    outdir: 'dist',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'icon.svg']) {
    await copyFile(path.join(root, 'src', file), path.join(dist, file));
  }
  const manifest = { sourceHash: await sourceHash(), packages: await packageVersions() };
  await writeFile(path.join(dist, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Built dist/ from sources ${manifest.sourceHash}.`);
}

await (process.argv.includes('--check') ? check() : build());
