/**
 * A report's CSV (sync-protocol.md) as the tests read it: its rows after the header, each a map
 * from column name to cell. Report cells never hold a comma or a quote (numbers, `<k`, days,
 * activity ids), so a plain split serves; the BOM a tablet's download starts with is dropped.
 */
export function csvRows(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.replace(/^\ufeff/, '').split('\r\n');
  const columns = header!.split(',');
  return lines.filter((line) => line !== '').map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, i) => [column, cells[i]!]));
  });
}

/** The row of `day` (or of the total, `total`). */
export function csvRow(csv: string, day: string): Record<string, string> | undefined {
  return csvRows(csv).find((row) => row.day === day);
}
