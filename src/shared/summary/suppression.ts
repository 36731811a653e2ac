/**
 * Complementary suppression (product.md, Data protection: reports that leave the centre hide
 * small counts so that no hidden count can be worked out from the others). Hiding the counts
 * under k is not enough: a day's children minus its visible age bands gives the hidden band. So
 * the report's additive relations are written down (a row's children are the sum of its age
 * bands, and of its genders; its sessions the sum of its activities' sessions; each summed figure
 * of the total the sum of the days'), and further cells are hidden until no hidden cell is
 * determined by them. Statistics offices call the first cells primary and the others
 * complementary (secondary).
 *
 * A report is a table with margins: every cell is in at most two relations, and the signs
 * balance (see `tableGraph`). Then the relations are the nodes of a graph and the cells its edges
 * (a cell in one relation joins it to a free node, "outside"), and linear algebra becomes graph
 * theory: the hidden cells' values that fit the visible ones differ by cycles of hidden cells, so
 * a hidden cell is determined exactly when it lies on no cycle of hidden cells, a bridge. That
 * takes linear time on a year's report, where elimination over thousands of hidden cells would not.
 *
 * Pure: cells are named by the caller (`row:column`), values are counts.
 */

export type Relation = { total: string; parts: readonly string[] };

type Edge = { cell: string; a: number; b: number };
type TableGraph = { nodes: number; edges: Edge[]; edgeOf: Map<string, number> };

/**
 * The relations as a graph: node i is relation i, the last node is "outside". Throws when the
 * relations are not a table with margins (a cell in three relations, or signs that do not
 * balance), where bridges would no longer mean determined.
 */
function tableGraph(relations: readonly Relation[]): TableGraph {
  const outside = relations.length;
  const places = new Map<string, { relation: number; sign: number }[]>();
  relations.forEach((relation, i) => {
    const place = (cell: string, sign: number) => {
      const list = places.get(cell) ?? [];
      list.push({ relation: i, sign });
      places.set(cell, list);
    };
    place(relation.total, -1);
    for (const part of relation.parts) place(part, 1);
  });
  const edges: Edge[] = [];
  const edgeOf = new Map<string, number>();
  // Balance: relations can be multiplied by ±1 (`turn`) so that each cell in two relations has
  // opposite signs in them; then the relations are the rows of a directed graph's incidence matrix.
  const turn = new Map<number, number>();
  const neighbours = new Map<number, { other: number; product: number }[]>();
  for (const [cell, list] of places) {
    if (list.length > 2) throw new Error(`the cell ${cell} is in ${list.length} relations: not a table with margins`);
    const [first, second] = list as [{ relation: number; sign: number }, { relation: number; sign: number } | undefined];
    edgeOf.set(cell, edges.length);
    edges.push({ cell, a: first.relation, b: second?.relation ?? outside });
    if (!second) continue;
    const product = first.sign * second.sign;
    for (const [from, to] of [[first.relation, second.relation], [second.relation, first.relation]] as const) {
      const list = neighbours.get(from) ?? [];
      list.push({ other: to, product });
      neighbours.set(from, list);
    }
  }
  for (let start = 0; start < relations.length; start++) {
    if (turn.has(start)) continue;
    turn.set(start, 1);
    const queue = [start];
    while (queue.length > 0) {
      const node = queue.pop()!;
      for (const { other, product } of neighbours.get(node) ?? []) {
        const wanted = -turn.get(node)! * product;
        const had = turn.get(other);
        if (had === undefined) {
          turn.set(other, wanted);
          queue.push(other);
        } else if (had !== wanted) throw new Error('the relations do not balance: not a table with margins');
      }
    }
  }
  return { nodes: relations.length + 1, edges, edgeOf };
}

/** The edges among `use` that lie on no cycle of them (Tarjan's bridges, without recursion). */
function bridges(graph: TableGraph, use: ReadonlySet<number>): number[] {
  const incident: number[][] = Array.from({ length: graph.nodes }, () => []);
  for (const edge of use) {
    const { a, b } = graph.edges[edge]!;
    incident[a]!.push(edge);
    incident[b]!.push(edge);
  }
  const order = new Array<number>(graph.nodes).fill(-1);
  const low = new Array<number>(graph.nodes).fill(0);
  const found: number[] = [];
  let time = 0;
  for (let root = 0; root < graph.nodes; root++) {
    if (order[root] !== -1 || incident[root]!.length === 0) continue;
    // Each frame: the node, the edge it was reached by, the next incident edge to look at.
    const stack: [node: number, via: number, next: number][] = [[root, -1, 0]];
    order[root] = low[root] = time++;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const [node, via] = frame;
      if (frame[2] < incident[node]!.length) {
        const edge = incident[node]![frame[2]++]!;
        if (edge === via) continue;
        const { a, b } = graph.edges[edge]!;
        const other = a === node ? b : a;
        if (order[other] === -1) {
          order[other] = low[other] = time++;
          stack.push([other, edge, 0]);
        } else low[node] = Math.min(low[node]!, order[other]!);
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (!parent) continue;
      low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
      if (low[node]! > order[parent[0]]!) found.push(via);
    }
  }
  return found.sort((x, y) => x - y);
}

/** The hidden cells that the relations determine, with the visible cells known. */
export function determinedCells(relations: readonly Relation[], hidden: ReadonlySet<string>): string[] {
  const graph = tableGraph(relations);
  const use = new Set([...hidden].flatMap((cell) => (graph.edgeOf.has(cell) ? [graph.edgeOf.get(cell)!] : [])));
  return bridges(graph, use).map((edge) => graph.edges[edge]!.cell);
}

/**
 * The cheapest visible cells that, hidden, put `bridge` on a cycle: a path between its two ends
 * that avoids it, over hidden cells for nothing and visible ones at a cost. Fewest cells first,
 * then the largest counts (a large count hidden beside a small one leaves the small one wide
 * open; a zero last). Undefined when no such path exists.
 */
function closingCells(graph: TableGraph, incident: readonly number[][], hidden: ReadonlySet<number>, bridge: number, values: ReadonlyMap<string, number>): number[] | undefined {
  // Per cell 2^32, less its count: a path of fewer cells always costs less, whatever the counts.
  const CELL = 2 ** 32;
  const cost = (edge: number) => (hidden.has(edge) ? 0 : CELL - Math.min(values.get(graph.edges[edge]!.cell) ?? 0, CELL - 1));
  const { a: start, b: goal } = graph.edges[bridge]!;
  const distance = new Array<number>(graph.nodes).fill(Infinity);
  const reachedBy = new Array<number>(graph.nodes).fill(-1);
  distance[start] = 0;
  // Dijkstra over a binary heap of [distance, node]; stale entries are skipped when popped.
  const heap: [number, number][] = [[0, start]];
  const push = (entry: [number, number]) => {
    heap.push(entry);
    for (let i = heap.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (heap[up]![0] <= heap[i]![0]) break;
      [heap[up], heap[i]] = [heap[i]!, heap[up]!];
      i = up;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left]![0] < heap[least]![0]) least = left;
        if (right < heap.length && heap[right]![0] < heap[least]![0]) least = right;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  };
  for (;;) {
    if (heap.length === 0) return undefined;
    const [at, node] = pop();
    if (at > distance[node]!) continue;
    if (node === goal) break;
    for (const edge of incident[node]!) {
      if (edge === bridge) continue;
      const { a, b } = graph.edges[edge]!;
      const other = a === node ? b : a;
      const through = at + cost(edge);
      if (through < distance[other]!) {
        distance[other] = through;
        reachedBy[other] = edge;
        push([through, other]);
      }
    }
  }
  const path: number[] = [];
  for (let node = goal; node !== start; ) {
    const edge = reachedBy[node]!;
    if (!hidden.has(edge)) path.push(edge);
    const { a, b } = graph.edges[edge]!;
    node = a === node ? b : a;
  }
  return path;
}

/**
 * The cells to hide besides the primary ones (counts from 1 to k-1) so that no hidden cell is
 * determined: while a hidden cell is a bridge, the cheapest path of visible cells that closes a
 * cycle through it is hidden too. Each round hides at least one cell, so it ends.
 */
export function complementaryCells(values: ReadonlyMap<string, number>, relations: readonly Relation[], primary: ReadonlySet<string>): Set<string> {
  const graph = tableGraph(relations);
  const hidden = new Set([...primary].flatMap((cell) => (graph.edgeOf.has(cell) ? [graph.edgeOf.get(cell)!] : [])));
  const secondary = new Set<string>();
  const incident: number[][] = Array.from({ length: graph.nodes }, () => []);
  graph.edges.forEach(({ a, b }, edge) => {
    incident[a]!.push(edge);
    incident[b]!.push(edge);
  });
  // A bridge of the whole table (no path around it at all) cannot be protected by hiding more.
  const hopeless = new Set<number>();
  for (;;) {
    const open = bridges(graph, hidden).filter((edge) => !hopeless.has(edge));
    if (open.length === 0) return secondary;
    const closing = closingCells(graph, incident, hidden, open[0]!, values);
    if (closing === undefined) {
      hopeless.add(open[0]!);
      continue;
    }
    for (const edge of closing) {
      hidden.add(edge);
      secondary.add(graph.edges[edge]!.cell);
    }
  }
}
