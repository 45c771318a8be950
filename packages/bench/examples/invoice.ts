// A ~1 ms task: render an invoice (a 700-line HTML table) from its data and fingerprint it. The
// README's second worked example:
//   npx poolkit-bench --task examples/invoice.ts --export renderInvoice
import { createHash } from 'node:crypto';

export interface Line {
  readonly sku: string;
  readonly qty: number;
  readonly cents: number;
}

export interface Invoice {
  readonly id: number;
  readonly customer: string;
  readonly lines: readonly Line[];
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' });
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The invoice as HTML, its total and the SHA-256 of the page. */
export function renderInvoice(invoice: Invoice): {
  id: number;
  total: string;
  bytes: number;
  sha256: string;
} {
  let total = 0;
  const rows = invoice.lines.map((line, i) => {
    const amount = line.qty * line.cents;
    total += amount;
    return `<tr class="${i % 2 ? 'odd' : 'even'}"><td>${escapeHtml(line.sku)}</td><td>${line.qty}</td><td>${money.format(line.cents / 100)}</td><td>${money.format(amount / 100)}</td></tr>`;
  });
  const html = `<h1>Invoice ${invoice.id} for ${escapeHtml(invoice.customer)}</h1><table>${rows.join('')}</table><p>Total ${money.format(total / 100)}</p>`;
  return {
    id: invoice.id,
    total: money.format(total / 100),
    bytes: html.length,
    sha256: createHash('sha256').update(html).digest('hex'),
  };
}

/** `count` invoices of 700 lines each, the same on every call. */
export function inputs(count: number): Invoice[] {
  return Array.from({ length: count }, (_, id) => ({
    id,
    customer: `Customer <${id}> & Co`,
    lines: Array.from({ length: 700 }, (_, j) => ({
      sku: `SKU-${(id * 31 + j) % 997}`,
      qty: 1 + ((id + j) % 7),
      cents: 99 + ((id * 13 + j * 17) % 5000),
    })),
  }));
}
