import fs from 'node:fs';
import path from 'node:path';

/**
 * The documentation stands alone: every relative link in README.md and docs/ resolves to a file of this
 * repository (and to a heading, when it names one), and nothing points at files outside it.
 */

const root = path.resolve(__dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(rel);
    return entry.name.endsWith('.md') ? [rel] : [];
  });
}

const documents = ['README.md', ...markdownFiles('docs')];

/** Markdown without fenced code blocks and inline code, where `[a](b)` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of inline links and images `[text](target "title")` and of reference definitions `[x]: target`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1],
  );
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...references];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('links in README.md and docs/', () => {
  test.each(documents)('when %s is read, then every relative link resolves inside the repository', (file) => {
    const markdown = fs.readFileSync(path.join(root, file), 'utf8');
    const broken: string[] = [];
    for (const target of linkTargets(markdown).filter((t) => !isExternal(t))) {
      const [rawPath, anchor] = target.split('#', 2);
      const resolved = rawPath
        ? path.resolve(root, path.dirname(file), decodeURI(rawPath))
        : path.join(root, file);
      if (path.relative(root, resolved).startsWith('..')) {
        broken.push(`${target}: outside the repository`);
      } else if (!fs.existsSync(resolved)) {
        broken.push(`${target}: no such file`);
      } else if (
        anchor &&
        resolved.endsWith('.md') &&
        !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)
      ) {
        broken.push(`${target}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('when README.md is read, then its links are found: the contents anchors and the docs pages', () => {
    const targets = linkTargets(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    expect(targets).toEqual(expect.arrayContaining(['#tests-and-ci', 'docs/operations.md']));
    expect(
      anchors('## Tests and CI\n## Using the API: docs, typed client, Postman\n## Tests and CI'),
    ).toEqual(new Set(['tests-and-ci', 'using-the-api-docs-typed-client-postman', 'tests-and-ci-1']));
  });

  test('when the documentation, the code and the client are searched, then nothing refers to ../shared', () => {
    const files = (dir: string): string[] =>
      fs.existsSync(path.join(root, dir))
        ? fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
            const rel = path.join(dir, entry.name);
            if (entry.name === 'node_modules' || entry.name === 'dist') return [];
            return entry.isDirectory() ? files(rel) : [rel];
          })
        : [];
    const searched = [
      'README.md',
      '.env.example',
      ...files('docs'),
      ...files('src'),
      ...files('client'),
      ...files('postman'),
    ];
    expect(searched.length).toBeGreaterThan(50);
    const mentions = searched.filter((file) =>
      /\.\.[\\/]shared\b/.test(fs.readFileSync(path.join(root, file), 'utf8')),
    );
    expect(mentions).toEqual([]);
  });
});
