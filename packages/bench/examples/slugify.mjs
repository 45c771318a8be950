// A tiny task: a title to a URL slug (about a microsecond). The README's first worked example:
//   npx poolkit-bench --task examples/slugify.mjs
export default function slugify(title) {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const WORDS = ['Crème', 'brûlée', 'for', 'Node.js', 'worker', 'threads', '—', 'a', 'how-to', 'in', '2026!'];

/** `count` titles of 4–9 words. */
export function inputs(count) {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: 4 + (i % 6) }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '),
  );
}
