/**
 * The scripts the HTML report inlines: vis-timeline's standalone build (Spark UI's timeline
 * library; it carries its own CSS and vis-data), mermaid's browser build, and the page script.
 * Read from the installed packages, so the report needs no network to open.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HtmlAssets { visTimeline: string; mermaid: string; page: string }

const require = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file), 'utf8');
}

/**
 * page.js sits beside this file in the sources; the build (tsc, no allowJs) does not copy it, so a
 * built installation reads it from the sources it ships (package.json "files").
 */
function pageScript(): string {
  for (const relative of ['./page.js', '../../../runtime/html/page.js']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new Error('runtime/html/page.js is missing from this installation');
}

let cached: HtmlAssets | undefined;

export function htmlAssets(): HtmlAssets {
  cached ??= {
    visTimeline: packageFile('vis-timeline', 'standalone/umd/vis-timeline-graph2d.min.js'),
    mermaid: packageFile('mermaid', 'dist/mermaid.min.js'),
    page: pageScript(),
  };
  return cached;
}
