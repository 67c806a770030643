/**
 * `orders`: deterministic synthetic orders. The same parameters always give the same rows, so the demo,
 * the tests and the benchmarks can compare a downloaded file with the generator.
 */
import * as z from 'zod';
import type { CellValue, Column, ExportType } from './types';

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled'] as const;
export const MAX_ORDER_ROWS = 2_000_000;
const DAY_MS = 86_400_000;
const isoDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });

export const ordersParams = z
  .object({
    rows: z.number().int().min(0).max(MAX_ORDER_ROWS).default(1000),
    from: isoDate.default('2026-01-01'),
    to: isoDate.default('2026-12-31'),
    status: z.array(z.enum(ORDER_STATUSES)).min(1).max(ORDER_STATUSES.length).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict()
  .refine((p) => p.from <= p.to, { message: 'must not be after `to`', path: ['from'] })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= 366 * 10 * DAY_MS, {
    message: 'the date range may span at most ten years',
    path: ['to'],
  });

export type OrdersParams = z.output<typeof ordersParams>;

export const orderColumns: readonly Column[] = [
  { key: 'orderId', header: 'Order ID', type: 'string', width: 14 },
  { key: 'orderedAt', header: 'Ordered at', type: 'datetime', width: 20 },
  { key: 'customer', header: 'Customer', type: 'string', width: 22 },
  { key: 'email', header: 'Email', type: 'string', width: 30 },
  { key: 'country', header: 'Country', type: 'string', width: 9 },
  { key: 'status', header: 'Status', type: 'string', width: 11 },
  { key: 'items', header: 'Items', type: 'integer', width: 8 },
  { key: 'total', header: 'Total', type: 'currency', width: 12 },
  { key: 'paid', header: 'Paid', type: 'boolean', width: 7 },
  { key: 'note', header: 'Note', type: 'string', width: 28 },
];

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus', 'Zoë', 'José'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Müller'];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'NL', 'SE', 'ES'];
// A few notes start with characters a spreadsheet would take for a formula: exports must neutralise them.
const NOTES = ['', '', '', 'Gift wrap', 'Leave at door', '=HYPERLINK("http://x")', '+1 555 0100', '-fragile-', '@home', 'Ring, then "knock"'];

/** mulberry32: tiny, fast, deterministic PRNG; good enough for synthetic data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(list: readonly T[], r: number): T => list[Math.floor(r * list.length)]!;

/** Rows of the orders export, in order. Pure: also used by tests to check downloaded files. */
export function* generateOrders(params: OrdersParams): Generator<CellValue[]> {
  const random = prng(params.seed);
  const from = Date.parse(params.from);
  const span = Date.parse(params.to) + DAY_MS - from;
  const statuses = params.status ?? ORDER_STATUSES;
  for (let i = 0; i < params.rows; i++) {
    const first = pick(FIRST, random());
    const last = pick(LAST, random());
    const status = pick(statuses, random());
    const items = 1 + Math.floor(random() * 9);
    // Whole seconds keep xlsx round trips exact.
    const orderedAt = new Date(from + Math.floor((random() * span) / 1000) * 1000);
    yield [
      `ORD-${String(i + 1).padStart(8, '0')}`,
      orderedAt,
      `${first} ${last}`,
      `${first}.${last}${i}@example.com`.toLowerCase(),
      pick(COUNTRIES, random()),
      status,
      items,
      Math.round(items * (5 + random() * 195) * 100) / 100,
      status !== 'pending' && status !== 'cancelled',
      pick(NOTES, random()),
    ];
  }
}

export const ordersExport: ExportType<OrdersParams> = {
  kind: 'export',
  name: 'orders',
  title: 'Orders',
  formats: ['xlsx', 'csv'],
  params: ordersParams as unknown as ExportType<OrdersParams>['params'],
  columns: orderColumns,
  defaultFileName: 'orders',
  count: (params) => params.rows,
  rows: (params) => generateOrders(params),
};
